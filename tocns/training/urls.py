from django.urls import path

from . import views
from . import views_proficiency as proficiency

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("moi/", views.course_create, name="course_create"),
    path("cua-toi/", views.my_trainings, name="mine"),
    path("thong-ke/", views.trained_stats, name="stats"),
    path("thanh-vien/<int:pk>/", views.person_trainings, name="person"),
    path("doi-tac/", views.partner_list, name="partners"),
    path("chu-de/", views.topic_list, name="topics"),
    path("doi-tac/<int:pk>/", views.partner_detail, name="partner"),
    path("<int:pk>/", views.course_detail, name="course"),
    path("buoi/<int:pk>/diem-danh/", views.attendance, name="attendance"),
    # Proficiency: a course's test, attempts, certificates, imported completions.
    path("<int:pk>/bai-kiem-tra/", proficiency.quiz_edit, name="quiz_edit"),
    path("<int:pk>/bai-kiem-tra/cau-hoi/moi/", proficiency.question_edit, name="question_add"),
    path("<int:pk>/bai-kiem-tra/cau-hoi/<int:question_pk>/", proficiency.question_edit, name="question_edit"),
    path("<int:pk>/lam-bai/", proficiency.quiz_take, name="quiz_take"),
    path("<int:pk>/ket-qua/", proficiency.course_results, name="results"),
    path("bai-lam/<int:pk>/", proficiency.attempt_detail, name="attempt"),
    path("chung-nhan/", proficiency.certificate_list, name="certificates"),
    path("chung-nhan/<int:pk>/", proficiency.certificate_detail, name="certificate"),
    path("chung-nhan/<int:pk>/tai/", proficiency.certificate_download, name="certificate_docx"),
    path("hoan-thanh/nhap/", proficiency.completion_import, name="completion_import"),
    path("hoan-thanh/khoa-hoc/", proficiency.platform_courses, name="platform_courses"),
    # Public, no sign-in (a certificate's verification code, as printed on it).
    path("xac-minh/", proficiency.verify, name="verify_lookup"),
    path("xac-minh/<str:code>/", proficiency.verify, name="verify"),
]

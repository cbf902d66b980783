from django.urls import path

from . import views

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
]

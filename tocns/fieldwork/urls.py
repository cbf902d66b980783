from django.urls import path

from . import catalogue_views, feedback_views, survey_views, views

app_name = "fieldwork"

urlpatterns = [
    path("", views.log, name="log"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("tai-len/", views.upload_queue, name="upload_queue"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    path("phan-anh/", feedback_views.feedback_list, name="feedback_list"),
    path("phan-anh/moi/", feedback_views.feedback_record, name="feedback_record"),
    path("phan-anh/thong-ke/", feedback_views.feedback_stats, name="feedback_stats"),
    path("phan-anh/tai-ve/", feedback_views.feedback_export, name="feedback_export"),
    path("phan-anh/quy-dinh/", feedback_views.feedback_rules, name="feedback_rules"),
    path("phan-anh/<int:pk>/", feedback_views.feedback_detail, name="feedback"),
    path("khao-sat/", survey_views.survey_list, name="survey_list"),
    path("khao-sat/moi/", survey_views.survey_create, name="survey_create"),
    path("khao-sat/<int:pk>/", survey_views.survey_answer, name="survey_answer"),
    path("khao-sat/<int:pk>/sua/", survey_views.survey_edit, name="survey_edit"),
    path("khao-sat/<int:pk>/ket-qua/", survey_views.survey_results, name="survey_results"),
    path("khao-sat/<int:pk>/tai-ve/", survey_views.survey_download, name="survey_download"),
    path("dich-vu/", catalogue_views.service_list, name="services"),
    path("dich-vu/moi/", catalogue_views.service_add, name="service_add"),
    path("dich-vu/<int:pk>/", catalogue_views.service_edit, name="service_edit"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]

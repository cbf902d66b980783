from django.urls import path

from . import feedback_views, views

app_name = "fieldwork"

urlpatterns = [
    path("", views.log, name="log"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("tai-len/", views.upload_queue, name="upload_queue"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    path("phan-anh/", feedback_views.feedback_list, name="feedback_list"),
    path("phan-anh/moi/", feedback_views.feedback_record, name="feedback_record"),
    path("phan-anh/thong-ke/", feedback_views.feedback_stats, name="feedback_stats"),
    path("phan-anh/<int:pk>/", feedback_views.feedback_detail, name="feedback"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]

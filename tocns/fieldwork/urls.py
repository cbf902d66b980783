from django.urls import path

from . import views

app_name = "fieldwork"

urlpatterns = [
    path("", views.log, name="log"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("tai-len/", views.upload_queue, name="upload_queue"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]

"""Nhiệm vụ giao cho tổ (issue #15)."""
from django.urls import path

from . import views

app_name = "teamtasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("giao/", views.task_assign, name="assign"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/sua/", views.task_edit, name="edit"),
    path("<int:pk>/anh/", views.task_photo, name="photo"),
]

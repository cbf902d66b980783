"""Nhóm phối hợp cấp xã (issue #15)."""
from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("", views.index, name="index"),
    path("xa/<str:code>/", views.group, name="group"),
    path("xa/<str:code>/zalo/", views.zalo, name="zalo"),
    path("xa/<str:code>/da-cap-nhat/", views.mark_updated, name="mark_updated"),
]

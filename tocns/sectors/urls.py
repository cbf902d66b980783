"""Sở, ban, ngành (issue #15, plan III.3)."""
from django.urls import path

from . import views

app_name = "sectors"

urlpatterns = [
    path("", views.department_list, name="departments"),
    path("xuat/", views.department_export, name="export"),
    path("<int:pk>/", views.department_detail, name="department"),
    path("hoat-dong/", views.activity_list, name="activities"),
    path("hoat-dong/ghi/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="activity"),
    path("hoat-dong/<int:pk>/sua/", views.activity_edit, name="activity_edit"),
    path("hoat-dong/<int:pk>/tep/", views.activity_file, name="activity_file"),
    path("cac-xa/", views.communes_overview, name="communes"),
]

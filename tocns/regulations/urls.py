"""Quy chế hoạt động (issue #15)."""
from django.urls import path

from . import views

app_name = "regulations"

urlpatterns = [
    path("", views.index, name="index"),
    path("cac-xa.xlsx", views.table_export, name="export"),
    path("mau/moi/", views.version_create, name="version_create"),
    path("mau/<int:pk>/", views.version_detail, name="version"),
    path("mau/<int:pk>/sua/", views.version_edit, name="version_edit"),
    path("mau/<int:pk>/tep/", views.version_file, name="version_file"),
    path("xa/<str:code>/", views.commune, name="commune"),
    path("xa/<str:code>/soan/", views.adoption_start, name="adoption_start"),
    path("ban-hanh/<int:pk>/", views.adoption, name="adoption"),
    path("ban-hanh/<int:pk>/quyet-dinh.docx", views.adoption_draft, name="adoption_docx"),
    path("ban-hanh/<int:pk>/ban-ky/", views.adoption_file, name="adoption_file"),
]

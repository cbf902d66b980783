from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("yeu-cau/<int:pk>/", views.request_detail, name="request"),
    path("nguoi/<int:person_pk>/", views.person_detail, name="person"),
    path("nguoi/<int:person_pk>/tai-du-lieu/", views.person_file, name="person_file"),
    path("nguoi/<int:person_pk>/an-danh/", views.anonymise, name="anonymise"),
]

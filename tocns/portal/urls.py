from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("xa/<str:code>/", views.commune, name="commune"),
    path("to/<int:team_pk>/", views.join, name="join"),
    path("to/<int:team_pk>/danh-sach/", views.join_group, name="join_group"),
    path("don/<str:code>/", views.tracking, name="tracking"),
]

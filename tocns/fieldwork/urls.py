from django.urls import path

from . import views

app_name = "fieldwork"

urlpatterns = [
    path("", views.log, name="log"),
]

from django.urls import path

from . import views

app_name = "national"

urlpatterns = [
    path("", views.index, name="index"),
    path("excel/", views.index_xlsx, name="xlsx"),
    path("<str:code>/", views.unit, name="unit"),
]

"""The province admin's pages on notices, under /thong-bao/."""

from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("gui/", views.channel_page, name="channels"),
    path("gui/<int:pk>/gui-lai/", views.notice_retry, name="retry"),
    path("gui/kenh/<str:name>/mo-lai/", views.channel_resume, name="resume"),
    path("mau/", views.template_page, name="templates"),
]

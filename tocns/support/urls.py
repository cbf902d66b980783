"""Đề nghị hỗ trợ doanh nghiệp (issue #15), under /ho-tro/."""
from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("gui/", views.request_ask, name="ask"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/anh/", views.request_photo, name="photo"),
    path("thong-ke/", views.stats, name="stats"),
    path("thong-ke/excel/", views.export, name="export"),
    path("cai-dat/", views.rules, name="rules"),
    path("doi-tac/", views.partner_list, name="partners"),
    path("doi-tac/<int:pk>/xa/", views.partner_communes, name="partner_communes"),
    path("cac-to/", views.served, name="served"),
    path("cac-to/<str:code>/", views.commune_teams, name="teams"),
]

from django.urls import path

from . import views, visitors

app_name = "portal"

# Public pages, no sign-in: applying to join a team, and sending feedback about digital services.
urlpatterns = [
    path("to/<slug:team_slug>/", visitors.team_public, name="team"),
    path("dang-ky/", views.start, name="start"),
    path("dang-ky/xa/<str:code>/", views.commune, name="commune"),
    path("dang-ky/to/<slug:team_slug>/", views.join, name="join"),
    path("dang-ky/to/<slug:team_slug>/danh-sach/", views.join_group, name="join_group"),
    path("dang-ky/don/<str:code>/", views.tracking, name="tracking"),
    path("phan-anh/", views.feedback_start, name="feedback_start"),
    path("phan-anh/xa/<str:code>/", views.feedback_send, name="feedback_send"),
    path("phan-anh/theo-doi/", views.feedback_tracking, name="feedback_lookup"),
    path("phan-anh/theo-doi/<str:code>/", views.feedback_tracking, name="feedback_tracking"),
]

from django.urls import path

from . import guide_views

app_name = "guides"

urlpatterns = [
    path("", guide_views.guide_list, name="list"),
    path("moi/", guide_views.guide_create, name="create"),
    path("<int:pk>/", guide_views.guide_detail, name="detail"),
    path("<int:pk>/sua/", guide_views.guide_edit, name="edit"),
    path("hinh/<int:pk>/", guide_views.step_picture, name="picture"),
    path("tep/<int:pk>/", guide_views.guide_file, name="file"),
]

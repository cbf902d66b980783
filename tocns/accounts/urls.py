from django.contrib.auth import views as auth_views
from django.urls import path

from . import profile_views, second_factor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("ho-so/", profile_views.profile, name="profile"),
    path("xac-thuc/", second_factor.verify, name="second_factor"),
    path("xac-thuc/cai-dat/", second_factor.setup, name="second_factor_setup"),
    path("xac-thuc/ma-du-phong/", second_factor.recovery_codes, name="recovery_codes"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/village-options/", views.village_options, name="village_options"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/password-reset/", views.password_reset, name="password_reset"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/assignments/<int:assignment_pk>/end/", views.assignment_end,
         name="assignment_end"),
]

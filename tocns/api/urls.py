from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/thu-hoi/", views.token_revoke, name="revoke"),
    # Machine clients (the province's data-sharing gateway), for the province admin.
    path("may/", views.client_list, name="clients"),
    path("may/<int:pk>/doi-ma/", views.client_rotate, name="client_rotate"),
    path("may/<int:pk>/thu-hoi/", views.client_revoke, name="client_revoke"),
]

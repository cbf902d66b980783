from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tocns.api"
    label = "api"
    verbose_name = "API"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (seed_demo). The top layer: it may import every app; no app imports it."""

    name = "tocns.demo"
    label = "demo"
    verbose_name = _("Dữ liệu mẫu")

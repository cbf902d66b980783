from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the install: backup and restore. No models, no pages."""

    name = "tocns.ops"
    label = "ops"
    verbose_name = _("Vận hành")

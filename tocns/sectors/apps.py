from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    name = "tocns.sectors"
    label = "sectors"
    verbose_name = _("Sở, ban, ngành")

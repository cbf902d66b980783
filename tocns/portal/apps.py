from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tocns.portal"
    label = "portal"
    verbose_name = _("Trang công khai cho người dân")

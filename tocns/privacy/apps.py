from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tocns.privacy"
    label = "privacy"
    verbose_name = _("Quyền của chủ thể dữ liệu cá nhân")

    def ready(self):
        from . import signals  # noqa: F401  (consents recorded where teams captures them)

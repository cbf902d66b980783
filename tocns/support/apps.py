from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "tocns.support"
    label = "support"
    verbose_name = _("Đề nghị hỗ trợ doanh nghiệp")

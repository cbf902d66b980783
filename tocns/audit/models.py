"""Who changed what, and when: every change to teams and members, and every export of personal data.

Rows are only ever added. The unit columns are plain ids (not foreign keys) so this app knows no
other app and can be used by all of them; they let lists be filtered to a user's scope."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("người thực hiện"))
    action = models.CharField(_("việc"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField(null=True)
    summary = models.CharField(_("nội dung"), max_length=300)
    data = models.JSONField(default=dict, blank=True)
    province_id = models.PositiveBigIntegerField(null=True, db_index=True)
    commune_id = models.PositiveBigIntegerField(null=True, db_index=True)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object")]

    def __str__(self) -> str:
        return self.summary

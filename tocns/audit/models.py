"""Who changed what, and when: every change to teams and members, and every read or export of
personal data.

Rows are only ever added. The unit columns are plain ids (not foreign keys) so this app knows no
other app and can be used by all of them; they let lists be filtered to a user's scope.

Append-only is enforced here, not left to good manners: saving an existing row, deleting one and a
queryset's update() or delete() all raise. The one way out is `AuditEntry.objects.prune_before()`,
used only by the `prune_audit` command for the retention period."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised by any attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries are never updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit log is append-only: entries are never updated.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only: entries are removed only by prune_audit.")

    def about_person(self, person_id: int):
        """Entries about one person: on their record, or reads that named them among others."""
        return self.filter(models.Q(object_type="teams.person", object_id=person_id)
                           | models.Q(person_ids__contains=f"|{int(person_id)}|"))

    def prune_before(self, cutoff) -> int:
        """Remove entries written before `cutoff`, past the retention period. The guard above is
        bypassed on purpose, here only: a plain DELETE, no signals, no cascade (nothing points at
        an entry). Returns how many were removed."""
        doomed = self.model._base_manager.filter(at__lt=cutoff).order_by()
        return doomed._raw_delete(doomed.db)


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
    # The people whose data a read showed or an export carried, as "|12|40|": one row per read
    # whatever its size, searchable by person on SQLite and PostgreSQL alike.
    person_ids = models.TextField(blank=True, default="")
    is_read = models.BooleanField(_("đọc dữ liệu cá nhân"), default=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object")]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only: entries are never updated.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries are removed only by prune_audit.")

    @property
    def people(self) -> list[int]:
        return [int(part) for part in self.person_ids.strip("|").split("|") if part]

"""Writing the audit log. Called inside the caller's transaction, so a change and its record
land together or not at all."""

from .models import AuditEntry


def audit_record(*, actor, action: str, obj, summary: str, province_id=None, commune_id=None,
                 data: dict | None = None) -> AuditEntry:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor, action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
        summary=str(summary)[:300], data=data or {},
        province_id=province_id if province_id is not None else getattr(obj, "province_id", None),
        commune_id=commune_id if commune_id is not None else getattr(obj, "commune_id", None),
    )

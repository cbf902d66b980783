"""Writing the audit log. Called inside the caller's transaction, so a change and its record
land together or not at all."""

from collections.abc import Iterable

from .models import AuditEntry


def _person_ids(people: Iterable) -> str:
    ids = sorted({int(getattr(p, "pk", p)) for p in people if getattr(p, "pk", p) is not None})
    return f"|{'|'.join(str(i) for i in ids)}|" if ids else ""


def audit_record(*, actor, action: str, obj, summary: str, province_id=None, commune_id=None,
                 data: dict | None = None, people: Iterable = (), is_read: bool = False) -> AuditEntry:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    person_ids = _person_ids(people)
    if not person_ids and obj._meta.label_lower == "teams.person":
        person_ids = _person_ids([obj.pk])
    return AuditEntry.objects.create(
        actor=actor, action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
        summary=str(summary)[:300], data=data or {}, person_ids=person_ids, is_read=is_read,
        province_id=province_id if province_id is not None else getattr(obj, "province_id", None),
        commune_id=commune_id if commune_id is not None else getattr(obj, "commune_id", None),
    )


def record_read(*, actor, action: str, obj, summary: str, people: Iterable = (), province_id=None,
                commune_id=None, data: dict | None = None) -> AuditEntry:
    """One read of personal data (a person's page, a roster, an API answer, an export): who, when,
    what (`obj`, `summary`) and whose data (`people`: Person objects or ids). One call per read,
    one row whatever the number of people."""
    people = list(people)
    return audit_record(actor=actor, action=action, obj=obj, summary=summary, province_id=province_id,
                        commune_id=commune_id, data={**(data or {}), "people": len(people)}, people=people,
                        is_read=True)

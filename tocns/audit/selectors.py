from django.db.models import Q, QuerySet

from .models import AuditEntry


def entries_for(obj) -> QuerySet:
    """An object's history of changes, as its pages show it: reads (views, exports) are left out,
    they are for the audit log page."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk,
                                     is_read=False).select_related("actor")


def entries_in(*, province_ids=(), commune_ids=()) -> QuerySet:
    return AuditEntry.objects.filter(Q(province_id__in=province_ids) | Q(commune_id__in=commune_ids))


def entries_about_person(person_id: int) -> QuerySet:
    return AuditEntry.objects.about_person(person_id).select_related("actor")


def search_entries(entries: QuerySet, *, person_ids=None, object_type: str = "", object_id=None, actor_ids=None,
                   action: str = "", since=None, until=None) -> QuerySet:
    """`entries` (already limited to a scope) narrowed by each filter given. `person_ids` and
    `actor_ids` are lists of ids (an empty list matches nothing); `since` and `until` are aware
    datetimes, `until` excluded."""
    if person_ids is not None:
        about = Q(pk__in=[])
        for pk in person_ids:
            about |= Q(object_type="teams.person", object_id=pk) | Q(person_ids__contains=f"|{int(pk)}|")
        entries = entries.filter(about)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id is not None:
        entries = entries.filter(object_id=object_id)
    if actor_ids is not None:
        entries = entries.filter(actor_id__in=actor_ids)
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.select_related("actor")

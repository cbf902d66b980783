from django.db.models import Q, QuerySet

from .models import AuditEntry


def entries_for(obj) -> QuerySet:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).select_related("actor")


def entries_in(*, province_ids=(), commune_ids=()) -> QuerySet:
    return AuditEntry.objects.filter(Q(province_id__in=province_ids) | Q(commune_id__in=commune_ids))

"""The catalogue of digital services, national (no province) and each province's own: what members
pick on the log page, and which report indicators each one counts toward. A service is never
deleted, only stopped, so the activities that named it keep it; its code never changes, as phones
and files carry it."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.reports.catalogue import code_taken
from tocns.reports.choices import Aggregation, ValueType
from tocns.reports.models import Indicator
from tocns.reports.settings_selectors import province_administered_by

from .models import Service, ServiceIndicator, ServicePillar

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EDITABLE = ("name", "short_name", "pillar", "order", "is_active")


def _audit(by, action: str, service: Service, summary: str, data: dict | None = None) -> None:
    """The catalogue belongs to no unit: its changes are logged under the admin's province."""
    province = province_administered_by(by)
    audit_record(actor=by, action=action, obj=service, summary=summary, data=data,
                 province_id=province.pk if province else None)


def services_by_pillar(province=None) -> list[tuple[str, list[Service]]]:
    """[(pillar label, its services with their indicator links)], stopped ones last in each: the
    national services and the province's own."""
    services = list(Service.objects.for_province(province).prefetch_related("counts_toward__indicator")
                    .order_by("-is_active", "order", "code"))
    return [(label, [s for s in services if s.pillar == value]) for value, label in ServicePillar.choices]


def countable_indicators(province=None) -> QuerySet:
    """Indicators a service of `province` (None: a national one) can feed: counts added up over the
    period, in use, of its catalogue."""
    return Indicator.objects.for_province(province).filter(aggregation=Aggregation.SUM, value_type=ValueType.INTEGER,
                                    retired_on__isnull=True).order_by("order", "code")


def _checked(data: dict) -> dict:
    errors = {}
    for name, message in (("name", _("Hãy nhập tên dịch vụ.")), ("short_name", _("Hãy nhập tên ngắn cho nút bấm."))):
        data[name] = " ".join(str(data.get(name) or "").split())
        if not data[name]:
            errors[name] = message
    if data.get("pillar") not in ServicePillar.values:
        errors["pillar"] = _("Hãy chọn lĩnh vực.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return data


@transaction.atomic
def service_add(*, data: dict, by, province=None) -> Service:
    """A new service of the province (None: national); the same code again (a retried form) answers
    with a message, never a copy. A province may not reuse a national code, nor the reverse."""
    code = str(data.get("code") or "").strip().lower()
    if not CODE.match(code):
        raise ValidationError({"code": [_("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ "
                                          "“so-tay-dang-vien”.")]})
    if taken := code_taken(Service.objects.all(), code, province, message=_("Đã có dịch vụ mang mã %(code)s.")):
        raise ValidationError({"code": [taken]})
    data = _checked(dict(data))
    service = Service.objects.create(code=code, province=province,
                                     **{name: data[name] for name in EDITABLE if name in data})
    _audit(by, "service.add", service, _("Thêm dịch vụ số %(name)s") % {"name": service.name})
    return service


@transaction.atomic
def service_update(*, service: Service, data: dict, was, by) -> Service:
    """Change a service. `was` is the version the page showed: if someone saved since, the
    change is refused so that theirs is not silently overwritten."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if was is None or service.version != was:
        raise ValidationError(_("Trong lúc bạn sửa, người khác đã lưu dịch vụ này. Trang đã hiện lại bản mới nhất; "
                                "hãy xem rồi sửa lại."), code="stale")
    data = _checked(dict(data))
    changed = {name: [getattr(service, name), data[name]] for name in EDITABLE
               if name in data and getattr(service, name) != data[name]}
    if not changed:
        return service
    for name, (_old, new) in changed.items():
        setattr(service, name, new)
    service.version += 1
    service.save()
    _audit(by, "service.update", service, _("Sửa dịch vụ số %(name)s") % {"name": service.name},
           {"changed": changed})
    return service


@transaction.atomic
def service_link_indicator(*, service: Service, indicator: Indicator, measure: str, by) -> ServiceIndicator:
    """From now on, helping someone with this service counts toward the indicator in reports' pre-fill."""
    if not countable_indicators(service.province_id).filter(pk=indicator.pk).exists():
        raise ValidationError({"indicator": [_("Chỉ nối được với chỉ số đếm, cộng dồn trong kỳ và đang dùng.")]})
    link, created = ServiceIndicator.objects.get_or_create(service=service, indicator=indicator,
                                                           defaults={"measure": measure})
    changed = created or link.measure != measure
    if not created and changed:
        link.measure = measure
        link.save(update_fields=["measure"])
    if changed:  # a retried form changes nothing and logs nothing
        _audit(by, "service.link", service, _("Dịch vụ %(service)s tính vào chỉ số %(indicator)s (%(measure)s)") % {
            "service": service.name, "indicator": indicator.code, "measure": link.get_measure_display()})
    return link


@transaction.atomic
def service_unlink_indicator(*, service: Service, link_id: int, by) -> None:
    """A retried removal finds nothing more to do."""
    link = ServiceIndicator.objects.filter(service=service, pk=link_id).select_related("indicator").first()
    if link is not None:
        link.delete()
        _audit(by, "service.unlink", service, _("Dịch vụ %(service)s thôi tính vào chỉ số %(indicator)s") % {
            "service": service.name, "indicator": link.indicator.code})

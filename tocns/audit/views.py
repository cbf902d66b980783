"""The audit log for the people who answer for it: the province admin (the whole province) and the
commune office (its commune), filtered by person, object, actor, action and dates, and exported.

The log itself knows no other app; these pages read the user's scope from accounts and resolve
people and units by their app label, so nothing here is imported back by the domain apps."""

from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tocns.accounts.access import access_for, page_rule
from tocns.accounts.models import Assignment, Role
from tocns.lib.http import XLSX, attachment
from tocns.lib.text import fold

from .exports import audit_xlsx
from .labels import action_label
from .selectors import entries_in, search_entries
from .services import record_read

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000
_DAY_ERROR = gettext_lazy("Ghi ngày theo dạng dd/mm/yyyy, ví dụ 05/11/2026.")
_DAY_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Người được nói đến (họ tên hoặc số điện thoại)"), required=False,
                             max_length=100)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    object_type = forms.ChoiceField(label=gettext_lazy("Loại đối tượng"), required=False)
    object_id = forms.IntegerField(label=gettext_lazy("Mã số đối tượng"), required=False, min_value=1,
                                   error_messages={"invalid": gettext_lazy("Mã số đối tượng là một số.")})
    actor = forms.CharField(label=gettext_lazy("Người thực hiện (họ tên, số điện thoại hoặc tên đăng nhập)"),
                            required=False, max_length=100)
    action = forms.ChoiceField(label=gettext_lazy("Việc"), required=False)
    since = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                            error_messages={"invalid": _DAY_ERROR}, widget=_DAY_WIDGET)
    until = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                            error_messages={"invalid": _DAY_ERROR}, widget=_DAY_WIDGET)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        types = sorted(set(entries.order_by().values_list("object_type", flat=True).distinct()))
        self.fields["object_type"].choices = [("", _("Tất cả"))] + [(t, _type_label(t)) for t in types]
        actions = sorted(set(entries.order_by().values_list("action", flat=True).distinct()), key=action_label)
        self.fields["action"].choices = [("", _("Tất cả"))] + [(a, action_label(a)) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Ngày cuối phải từ ngày đầu trở đi."))
        return data


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def _people_in_scope(scope):
    Person = apps.get_model("teams", "Person")
    return Person.objects.filter(Q(province_id__in=scope.province_ids) | Q(commune_id__in=scope.commune_ids))


def _matching_people(scope, text: str, person_id) -> list[int]:
    people = _people_in_scope(scope)
    if person_id:
        return list(people.filter(pk=person_id).values_list("pk", flat=True))
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) >= 6:
        people = people.filter(phone__contains=digits.removeprefix("84")[-9:])
    else:
        people = people.filter(full_name_folded__contains=fold(text))
    return list(people.values_list("pk", flat=True)[:200])


def _matching_actors(text: str) -> list[int]:
    digits = "".join(ch for ch in text if ch.isdigit())
    condition = Q(full_name_folded__contains=fold(text)) | Q(username__iexact=text.strip())
    if len(digits) >= 6:
        condition |= Q(phone__contains=digits.removeprefix("84")[-9:])
    return list(get_user_model().objects.filter(condition).values_list("pk", flat=True)[:200])


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(request):
    """The form, the entries it selects inside the user's scope (None when the form has errors), and
    the person it names (for the page's heading)."""
    scope = access_for(request.user).scope
    # The commune office reads its commune's log; being chairman of another commune opens nothing here.
    offices = Assignment.objects.active().filter(user=request.user, role=Role.COMMUNE_OFFICER).values_list(
        "unit__commune_id", flat=True)
    entries = entries_in(province_ids=scope.province_ids, commune_ids=list(offices))
    form = AuditFilterForm(request.GET or None, entries=entries)
    if not request.GET:
        return form, entries.select_related("actor"), None
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    person_ids = None
    person = None
    if data["person"] or data["person_id"]:
        person_ids = _matching_people(scope, data["person"], data["person_id"])
        if data["person_id"] and person_ids:
            person = _people_in_scope(scope).get(pk=person_ids[0])
    selected = search_entries(
        entries, person_ids=person_ids, object_type=data["object_type"], object_id=data["object_id"],
        actor_ids=_matching_actors(data["actor"]) if data["actor"] else None, action=data["action"],
        since=_day_start(data["since"]) if data["since"] else None,
        until=_day_start(data["until"] + timedelta(days=1)) if data["until"] else None)
    return form, selected, person


def _params(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@page_rule("audit")
def audit_list(request):
    form, entries, person = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")) if entries is not None else None
    if page is not None:
        for entry in page:
            entry.action_label = action_label(entry.action)
            entry.type_label = _type_label(entry.object_type)
    return render(request, "audit/entries.html", {
        "form": form, "page": page, "params": _params(request), "person": person,
        "total": page.paginator.count if page is not None else 0})


@login_required
@page_rule("audit")
def audit_export(request):
    form, entries, _person = _filtered(request)
    if entries is None:
        return render(request, "audit/entries.html", {"form": form, "page": None, "params": _params(request)},
                      status=400)
    rows = list(entries[:EXPORT_MAX_ROWS + 1])
    cut = len(rows) > EXPORT_MAX_ROWS
    rows = rows[:EXPORT_MAX_ROWS]
    scope = access_for(request.user).scope
    AdminUnit = apps.get_model("geo", "AdminUnit")
    unit = AdminUnit.objects.get(pk=min(scope.province_ids or scope.commune_ids))
    content = audit_xlsx(rows, title=_("Nhật ký hệ thống – %(unit)s") % {"unit": unit.name}, cut=cut,
                         filters=_params(request))
    people = {pk for entry in rows for pk in entry.people}
    # The export itself is a read of personal data: it is logged like any other.
    record_read(actor=request.user, action="audit.export", obj=unit, people=people,
                summary=_("Tải nhật ký hệ thống: %(n)s dòng") % {"n": len(rows)},
                data={"rows": len(rows), "filters": _params(request)[:500]})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(content, f"nhat-ky-he-thong-{stamp}.xlsx", XLSX)

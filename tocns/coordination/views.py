"""The commune coordination group's pages: the roster with tap-to-call links and the Zalo group,
what changed since the Zalo group was last brought up to date, and the office's two actions."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.access import page_rule
from tocns.audit.services import record_read

from . import selectors, services
from .roster import changes_since, roster_for


@login_required
@page_rule("coordination")
def index(request):
    communes = list(selectors.communes_for(request.user))
    if len(communes) == 1:
        return redirect("coordination:group", code=communes[0].code)
    info = selectors.groups_by_commune(communes)
    rows = [(c, info["groups"].get(c.pk), info["last"].get(c.pk)) for c in communes]
    return render(request, "coordination/index.html", {"rows": rows})


def _page(request, commune, *, zalo_error: str = "", zalo_value: str | None = None, page_error: str = ""):
    group = selectors.group_of(commune)
    snapshot = selectors.latest_snapshot(group)
    roster = roster_for(commune)
    person_ids = [int(p.key[1:]) for p in roster.people.values() if p.key.startswith("p")]
    record_read(actor=request.user, action="coordination.roster", obj=commune, people=person_ids,
                province_id=commune.province_id, commune_id=commune.pk,
                summary=_("Xem nhóm phối hợp của %(commune)s (có số điện thoại)") % {"commune": commune.name})
    return render(request, "coordination/group.html", {
        "commune": commune, "group": group, "roster": roster, "sections": roster.sections(),
        "snapshot": snapshot, "changes": changes_since(roster, snapshot),
        "can_edit": selectors.can_edit(request.user, commune), "submission_key": uuid.uuid4(),
        "zalo_error": zalo_error, "page_error": page_error,
        "zalo_value": group.zalo_url if zalo_value is None and group else (zalo_value or ""),
        "was": group.version if group else 0, "many": selectors.communes_for(request.user)[:2].count() > 1,
    })


@login_required
@page_rule("coordination")
def group(request, code: str):
    return _page(request, selectors.commune_for_user_or_404(request.user, code))


@login_required
@page_rule("coordination")
@require_POST
def zalo(request, code: str):
    commune = selectors.commune_for_user_or_404(request.user, code)
    if not selectors.can_edit(request.user, commune):
        raise Http404
    url = request.POST.get("zalo_url", "")
    try:
        was = int(request.POST.get("was", ""))
    except ValueError:
        was = None
    try:
        services.group_set_zalo(commune=commune, url=url, was=was, by=request.user)
    except ValidationError as exc:
        if getattr(exc, "code", "") == "stale":
            return _page(request, commune, page_error=" ".join(exc.messages))
        return _page(request, commune, zalo_error=" ".join(exc.messages), zalo_value=url)
    messages.success(request, _("Đã lưu đường dẫn nhóm Zalo."))
    return redirect("coordination:group", code=commune.code)


@login_required
@page_rule("coordination")
@require_POST
def mark_updated(request, code: str):
    commune = selectors.commune_for_user_or_404(request.user, code)
    if not selectors.can_edit(request.user, commune):
        raise Http404
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        key = uuid.uuid4()
    services.group_mark_updated(commune=commune, submission_key=key, by=request.user)
    messages.success(request, _("Đã ghi nhận: nhóm Zalo đã khớp với danh sách hôm nay."))
    return redirect("coordination:group", code=commune.code)

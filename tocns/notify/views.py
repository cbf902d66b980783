"""The province admin's pages on the outbox: the channels and what they carried today, the notices
no channel carried (to send again), and a preview of every kind of notice with real data.

Channel states are install-wide; notices are those of the provinces he administers, plus those
addressed to him. A notice outside them answers 404, as any object outside a scope does."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tocns.accounts.access import access_for, page_rule

from . import selectors, services
from .channels import channels
from .models import ChannelState

PAGE_SIZE = 50
# Column heads of today's table, short enough for a phone.
SHORT_LABELS = {"zalo": "Zalo", "sms": "SMS", "email": gettext_lazy("Thư")}


def _notices(request):
    return selectors.notices_for_admin(request.user, access_for(request.user).scope.province_ids)


@login_required
@page_rule("province_admin")
def channel_page(request):
    notices = _notices(request)
    page = Paginator(selectors.failed_notices(notices), PAGE_SIZE).get_page(request.GET.get("page"))
    for notice in page:
        notice.masked_phone = selectors.masked_phone(notice.phone)
    return render(request, "notify/channels.html", {
        "channels": selectors.channel_overview(),
        "channel_labels": [SHORT_LABELS.get(c.name, c.label) for c in channels()],
        "today": selectors.sends_today(notices), "waiting": selectors.waiting_counts(notices), "page": page,
        "day": timezone.localdate(), "quiet_from": settings.NOTICE_QUIET_FROM,
        "quiet_until": settings.NOTICE_QUIET_UNTIL})


@login_required
@page_rule("province_admin")
@require_POST
def notice_retry(request, pk: int):
    notification = get_object_or_404(_notices(request), pk=pk)
    try:
        services.notice_retry(notification=notification, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cho gửi lại thông báo “%(subject)s” cho %(name)s.") % {
            "subject": notification.subject, "name": notification.recipient_name or _("người nhận")})
    return redirect(_back(request))


@login_required
@page_rule("province_admin")
@require_POST
def channel_resume(request, name: str):
    state = ChannelState.objects.filter(channel=name).first()
    if state is None:
        raise Http404
    services.channel_resume(channel=name, by=request.user)
    messages.success(request, _("Đã mở lại kênh %(channel)s. Các thông báo đang chờ sẽ được gửi tiếp.") % {
        "channel": state.get_channel_display()})
    return redirect("notify:channels")


def _back(request) -> str:
    """Back to the page of the list the button was on (a digit only, never an address from outside)."""
    url = redirect("notify:channels").url
    page = request.POST.get("page", "")
    return f"{url}?page={page}#failures" if page.isdigit() and page != "1" else f"{url}#failures"


@login_required
@page_rule("province_admin")
def template_page(request):
    previews = selectors.kind_previews(request.user, access_for(request.user).scope.province_ids)
    return render(request, "notify/templates.html", {"previews": previews})

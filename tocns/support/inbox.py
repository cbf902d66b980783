"""Items of "Cần làm hôm nay" for support requests: an enterprise answered (close it, or send it back)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import answered_for


def support_items(user, *, fold_after: int) -> list[tuple]:
    """(kind, text, url, at, detail) rows; the home page's inbox makes its items of them (this app
    never imports the dashboard, which sits above it)."""
    answered = list(answered_for(user).order_by("-answered_at")[:fold_after + 1])
    if len(answered) > fold_after:
        count = answered_for(user).count()
        return [("review", _("%(n)s đề nghị hỗ trợ đã được doanh nghiệp trả lời: xem và đóng") % {"n": count},
                   reverse("support:list") + "?trang_thai=answered", answered[0].answered_at, "")]
    return [("review", _("%(partner)s đã trả lời đề nghị %(code)s (%(kind)s): xem và đóng") % {
        "partner": item.partner.name, "code": item.code, "kind": item.get_kind_display().lower()},
        reverse("support:detail", args=[item.pk]), item.answered_at, item.answer[:120]) for item in answered]

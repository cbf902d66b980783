"""What the regulation asks of a signed-in user today (the home page's "Cần làm hôm nay")."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import communes_without_regulation, current_version, open_draft


def todo_for(user) -> list[tuple[str, str, object]]:
    """(text, url, when) for each commune of the office with no regulation issued yet."""
    items = []
    for commune in communes_without_regulation(user):
        draft = open_draft(commune)
        model = current_version(commune.province)
        text = (_("%(commune)s chưa ban hành quy chế hoạt động của Tổ: bản đang soạn chờ ghi quyết định")
                if draft else _("%(commune)s chưa ban hành quy chế hoạt động của Tổ")) % {"commune": commune.name}
        items.append((text, reverse("regulations:commune", args=[commune.code]),
                      model.published_at if model else timezone.now()))
    return items

""""Cần làm hôm nay" items for difficulties and team tasks (the home page's inbox calls this)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tocns.reports.difficulty_selectors import waiting_for_office

from .selectors import given_waiting, overdue_for_office

FOLD_AFTER = 3


def difficulties_tasks_inbox(user, now, item_class) -> list:
    items = []
    new = list(waiting_for_office(user)[:FOLD_AFTER + 1])
    if len(new) > FOLD_AFTER:
        waiting = waiting_for_office(user)
        count = waiting.count()
        # The province admin's are those at the province level: the list opens on them.
        show = "province" if not waiting.filter(owner_level="commune").exists() else "open"
        items.append(item_class("review", ngettext(
            "%(n)s khó khăn, kiến nghị mới chờ xử lý", "%(n)s khó khăn, kiến nghị mới chờ xử lý", count) % {
            "n": count}, reverse("reports:difficulties") + f"?show={show}", new[0].created_at))
    else:
        for item in new:
            items.append(item_class("review", _("Khó khăn, kiến nghị mới của %(unit)s: %(text)s") % {
                "unit": item.unit.name, "text": item.short_text}, reverse("reports:difficulty", args=[item.pk]),
                item.created_at, item.get_state_display()))
    late = overdue_for_office(user)
    count = late.count()
    if count:
        first = late.order_by("due_on").first()
        items.append(item_class("due", ngettext("%(n)s nhiệm vụ của các tổ đã quá hạn",
                                                "%(n)s nhiệm vụ của các tổ đã quá hạn", count) % {"n": count},
                                reverse("teamtasks:list") + "?show=overdue", now,
                                _("quá hạn sớm nhất: %(day)s") % {"day": first.due_on.strftime("%d/%m/%Y")}))
    done = list(given_waiting(user)[:FOLD_AFTER + 1])
    if len(done) > FOLD_AFTER:
        count = given_waiting(user).count()
        items.append(item_class("review", ngettext("%(n)s nhiệm vụ tổ báo đã xong, chờ nghiệm thu",
                                                   "%(n)s nhiệm vụ tổ báo đã xong, chờ nghiệm thu", count) % {
            "n": count}, reverse("teamtasks:list") + "?show=done", done[-1].done_at or now))
    else:
        for task in done:
            items.append(item_class("review", _("Chờ nghiệm thu: %(title)s (%(unit)s)") % {
                "title": task.title, "unit": task.unit.name}, reverse("teamtasks:detail", args=[task.pk]),
                task.done_at or now))
    return items

"""The commune office's reminder to bring the Zalo group in step with the roster."""

from django.urls import reverse
from django.utils.translation import ngettext

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .models import RosterSnapshot
from .roster import changes_since, roster_for

MAX_COMMUNES = 3  # an office serves one commune; the roster is read live, so keep this small


def todo_for(user) -> list[tuple[str, str, object]]:
    scope = scope_for(user)
    if not scope.commune_ids or not scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER):
        return []
    items = []
    for commune in AdminUnit.objects.active().communes().filter(pk__in=scope.commune_ids)[:MAX_COMMUNES]:
        snapshot = RosterSnapshot.objects.filter(commune=commune).first()
        changes = changes_since(roster_for(commune), snapshot)
        if changes is None or not changes.count:
            continue
        items.append((ngettext("Nhóm Zalo phối hợp %(commune)s: %(n)s người cần thêm hoặc mời ra",
                               "Nhóm Zalo phối hợp %(commune)s: %(n)s người cần thêm hoặc mời ra",
                               changes.count) % {"commune": commune.name, "n": changes.count},
                      reverse("coordination:group", args=[commune.code]), snapshot.taken_at))
    return items

"""Machine clients (the provincial data-sharing gateway, LGSP, or an operations centre).

A client reads only: GET, on the operations of the endpoint groups it was given (a group is a set
of router tags, GROUPS below), over the whole province or the communes chosen. It acts as its own
service user, which holds no assignment and has no usable password (it never signs in to a page);
its scope is built here from the client's row and preset on the user for the request.

Every request of a client is counted for its per-minute limit (in the database, so every worker
sees the same count) and leaves one audit row with its path."""

import math
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tocns.accounts.models import Role
from tocns.accounts.selectors import Scope
from tocns.audit.services import audit_record

from .models import ApiClient, ApiClientHit

# Endpoint groups a client may be given, each the router tags (OpenAPI tags) it opens.
GROUPS = {
    "units": (gettext_lazy("Đơn vị hành chính"), ("Đơn vị hành chính",)),
    "teams": (gettext_lazy("Các tổ và thành viên của tổ"), ("Tổ công nghệ số cộng đồng",)),
    "reports": (gettext_lazy("Báo cáo, tổng hợp, mức độ đầy đủ"), ("Báo cáo", "Tổng hợp", "Mức độ đầy đủ")),
    "members": (gettext_lazy("Danh sách thành viên (dữ liệu cá nhân)"), ("Thành viên",)),
    "applications": (gettext_lazy("Đơn thành lập, tham gia tổ"), ("Đơn", "Đơn đăng ký")),
    "feedback": (gettext_lazy("Ý kiến, phản ánh của người dân"), ("Ý kiến người dân", "Phản ánh")),
    "training": (gettext_lazy("Tập huấn"), ("Tập huấn",)),
    "fieldwork": (gettext_lazy("Nhật ký hoạt động, khảo sát"), ("Nhật ký hoạt động", "Khảo sát")),
}
DEFAULT_GROUPS = ("units", "teams", "reports", "training")
WINDOW = timedelta(minutes=1)
LAST_USED_PRECISION = timedelta(minutes=1)


def group_choices():
    return [(key, label) for key, (label, _tags) in GROUPS.items()]


def tags_for(groups) -> set[str]:
    return {tag for key in groups or () if key in GROUPS for tag in GROUPS[key][1]}


def scope_of(client: ApiClient) -> Scope:
    """Read-only scope: the whole province (like the province admin's reach) or the chosen
    communes (like a commune office's). Writes are refused before any endpoint runs (GET only)."""
    commune_ids = frozenset(client.communes.values_list("pk", flat=True))
    if commune_ids:
        return Scope(commune_ids=commune_ids, roles=frozenset({Role.COMMUNE_OFFICER}))
    return Scope(province_ids=frozenset({client.province_id}), roles=frozenset({Role.PROVINCE_ADMIN}))


def client_for_secret(secret: str) -> ApiClient | None:
    """The active client a secret belongs to, its service user ready to act (scope preset)."""
    from .services import hash_secret

    if not secret:
        return None
    client = (ApiClient.objects.active().select_related("user")
              .filter(key_hash=hash_secret(secret), user__is_active=True).first())
    if client is None:
        return None
    client.user._tocns_scope = scope_of(client)
    return client


def refusal(request, operation) -> tuple[int, str, dict] | None:
    """Why a client's request is refused before the endpoint runs (status, detail, headers), or
    None: it is counted against the limit and audited."""
    client = request.auth
    if request.method not in ("GET", "HEAD"):
        return 403, _("Hệ thống kết nối chỉ được đọc dữ liệu (GET)."), {}
    if not set(operation.tags or ()) & tags_for(client.groups):
        return 403, _("Hệ thống kết nối này không được dùng nhóm API này."), {}
    retry_at = _count(client, request)
    if retry_at is not None:
        seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
        return 429, _("Quá số yêu cầu cho phép mỗi phút (%(n)s). Hãy thử lại sau %(s)s giây.") % {
            "n": client.per_minute, "s": seconds}, {"Retry-After": str(seconds)}
    return None


@transaction.atomic
def _count(client: ApiClient, request):
    """Count one request (or, past the limit, when the next one is allowed) and audit it. The
    client's row is locked so two workers cannot both take the last place of the minute."""
    now = timezone.now()
    locked = ApiClient.objects.select_for_update().filter(pk=client.pk).values_list("last_used_at", flat=True)
    last_used = locked.first()
    recent = ApiClientHit.objects.filter(client=client, at__gt=now - WINDOW)
    if recent.count() >= client.per_minute:
        return recent.order_by("at").values_list("at", flat=True).first() + WINDOW
    ApiClientHit.objects.filter(client=client, at__lte=now - WINDOW).delete()
    ApiClientHit.objects.create(client=client, at=now)
    if last_used is None or now - last_used >= LAST_USED_PRECISION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    path = request.get_full_path()[:500]
    audit_record(actor=client.user, action="api_client.request", obj=client, province_id=client.province_id,
                 summary=_("Hệ thống «%(name)s» đọc %(path)s qua API") % {"name": client.name, "path": path},
                 data={"path": path, "client": client.prefix}, is_read=True)
    return None

"""Per-address limits on the public reads that could be walked in bulk: tracking-code lookups
(an application's private link, a feedback code), teams' public pages (members' phones, public by
their choice but not to be harvested) and the visitor's search. Counted in the database, so every
worker process sees the same count; only the salted hash of the address is kept, for an hour."""

import functools
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from tocns.lib.security import sender_hash

from .models import PublicRead, ReadKind

WINDOW = timedelta(hours=1)
LIMIT_SETTINGS = {
    ReadKind.LOOKUP: "PUBLIC_LOOKUPS_PER_HOUR",
    ReadKind.TEAM: "PUBLIC_TEAM_PAGES_PER_HOUR",
    ReadKind.SEARCH: "PUBLIC_SEARCHES_PER_HOUR",
}


@transaction.atomic
def public_read(*, sender: str, kind: str) -> datetime | None:
    """Count one read by this sender, or, past the limit, the time the oldest read of the last hour
    leaves the window (when the next one is allowed). Reads older than the window are deleted."""
    now = timezone.now()
    recent = PublicRead.objects.filter(sender_hash=sender, kind=kind, read_at__gt=now - WINDOW)
    if recent.count() >= getattr(settings, LIMIT_SETTINGS[kind]):
        return recent.order_by("read_at").values_list("read_at", flat=True).first() + WINDOW
    PublicRead.objects.filter(read_at__lte=now - WINDOW).delete()
    PublicRead.objects.create(sender_hash=sender, kind=kind, read_at=now)
    return None


def too_many_reads(request, retry_at: datetime):
    """The visitor's 429 page: what happened and from what time to try again."""
    seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
    response = render(request, "429.html", {"retry_at": timezone.localtime(retry_at),
                                            "minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def limit_public_reads(kind: str):
    """A view whose every request counts as a read of this kind for the sender's address."""
    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            retry_at = public_read(sender=sender_hash(request), kind=kind)
            if retry_at is not None:
                return too_many_reads(request, retry_at)
            return view(request, *args, **kwargs)
        return limited
    return decorator

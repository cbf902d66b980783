"""Read queries of the public pages."""

from datetime import timedelta

from django.utils import timezone

from .models import RefusedUpload


def recent_refused_uploads_from(sender_hash: str, *, hours: int = 1) -> int:
    """How many files from one sender the public forms refused lately (counted toward its limit)."""
    since = timezone.now() - timedelta(hours=hours)
    return RefusedUpload.objects.filter(sender_hash=sender_hash, refused_at__gte=since).count()

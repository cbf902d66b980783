"""What the public pages record besides applications and feedback."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import RefusedUpload

# A refused upload matters for the hourly limit only; a day's worth is kept to read what happened.
REFUSED_UPLOADS_KEPT = timedelta(days=1)


@transaction.atomic
def refused_upload_record(*, sender_hash: str, reason: str) -> RefusedUpload:
    """Note a refused file against its sender, and forget the ones older than a day."""
    RefusedUpload.objects.filter(refused_at__lt=timezone.now() - REFUSED_UPLOADS_KEPT).delete()
    return RefusedUpload.objects.create(sender_hash=sender_hash, reason=reason[:300])

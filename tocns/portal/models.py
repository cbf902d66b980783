"""What the public pages need to remember: the sum questions handed out and whether each was used."""

from django.db import models
from django.utils import timezone


class Challenge(models.Model):
    """One sum question. The page's token names only its random nonce (signed), so the answer
    stays here; a question answers one submission (its save key), so a token cannot be replayed."""

    nonce = models.CharField(max_length=32, unique=True)
    question = models.CharField(max_length=10)
    answer = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The submission's save key: the same submission sent again (a retry) passes; another is refused.
    used_by = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return self.question


class RefusedUpload(models.Model):
    """A file the public group join form refused (too large once unzipped, too many rows, too slow to
    read, damaged). It counts with the sender's applications toward the hourly limit: a file that
    stores nothing cannot be sent again and again. Only the sender's hash is kept, never the file."""

    sender_hash = models.CharField(max_length=64)
    refused_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["sender_hash", "refused_at"], name="portal_refused_sender")]

    def __str__(self) -> str:
        return self.reason

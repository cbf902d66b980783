"""What the public pages need to remember: the sum questions handed out and whether each was used."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class ReadKind(models.TextChoices):
    LOOKUP = "lookup", _("tra cứu mã theo dõi")
    TEAM = "team", _("trang công khai của tổ")
    SEARCH = "search", _("tìm tổ")


class PublicRead(models.Model):
    """One public read by a sender (a tracking-code lookup, a team's public page, a search), for the
    per-address hourly limits (tocns.portal.throttle). Kept in the database so every worker process
    counts the same; only the salted hash of the address, and only for the last hour."""

    sender_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=ReadKind.choices)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["sender_hash", "kind", "read_at"], name="portal_read_sender"),
                   models.Index(fields=["read_at"], name="portal_read_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.read_at:%d/%m/%Y %H:%M}"

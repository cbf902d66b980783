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

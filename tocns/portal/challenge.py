"""A simple question against automated flooding that needs no outside service and no script:
a sum of two small numbers, valid for two hours, answering one submission.

The token in the page is a signed random nonce: decoding it shows neither the numbers nor the
answer, which stay in the database (`portal.Challenge`, so every web process sees them). A question
is spent by the first submission that answers it (right or wrong); the same submission sent again
(same save key: a retry on a bad connection, or the form shown again for another field's error)
still passes, and the service then finds what it stored the first time."""

import random
import secrets
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Challenge

SALT = "tocns.portal.challenge.v2"
MAX_AGE_SECONDS = 2 * 60 * 60


def _nonce(token: str) -> str | None:
    try:
        nonce = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return nonce if isinstance(nonce, str) else None


def _live(token: str) -> Challenge | None:
    nonce = _nonce(token or "")
    if nonce is None:
        return None
    since = timezone.now() - timedelta(seconds=MAX_AGE_SECONDS)
    return Challenge.objects.filter(nonce=nonce, created_at__gte=since).first()


def challenge_new() -> tuple[str, str]:
    """Returns (question, token)."""
    # Questions past their two hours can go: their tokens are refused by age anyway.
    Challenge.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=MAX_AGE_SECONDS)).delete()
    a, b = random.randint(1, 9), random.randint(1, 9)
    nonce = secrets.token_urlsafe(16)
    Challenge.objects.create(nonce=nonce, question=f"{a} + {b}", answer=a + b)
    return f"{a} + {b}", signing.dumps(nonce, salt=SALT)


def challenge_question(token: str) -> str | None:
    """The question a token stands for, while it may still be answered (to show the form again)."""
    challenge = _live(token)
    return challenge.question if challenge is not None else None


def challenge_answer(token: str, answer: str, submission_key: str) -> str | None:
    """Spends the question on this submission. Returns None when it passes, else why not (Vietnamese)."""
    challenge = _live(token)
    if challenge is None:
        return _("Câu hỏi đã hết hạn, hãy trả lời câu hỏi mới.")
    try:
        right = int(str(answer).strip()) == challenge.answer
    except ValueError:
        right = False
    key = (submission_key or "")[:64] if right else ""
    # One conditional UPDATE: of two processes answering at once, only one takes the question.
    taken = Challenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=key)
    if not right:
        return _("Câu trả lời chưa đúng, hãy tính lại.")
    if taken or (key and Challenge.objects.filter(pk=challenge.pk, used_by=key).exists()):
        return None
    return _("Câu hỏi này đã được dùng cho một lần gửi khác, hãy trả lời câu hỏi mới.")


def challenge_passed(token: str, answer: str, submission_key: str = "") -> bool:
    return challenge_answer(token, answer, submission_key) is None

"""A simple question against automated flooding that needs no outside service and no script:
a sum of two small numbers, signed so the answer cannot be forged, valid for two hours."""

import random

from django.core import signing

SALT = "tocns.portal.challenge"
MAX_AGE_SECONDS = 2 * 60 * 60


def challenge_new() -> tuple[str, str]:
    """Returns (question, token). The token carries the numbers, signed."""
    a, b = random.randint(1, 9), random.randint(1, 9)
    return f"{a} + {b}", signing.dumps([a, b], salt=SALT)


def challenge_question(token: str) -> str | None:
    try:
        a, b = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return f"{a} + {b}"


def challenge_passed(token: str, answer: str) -> bool:
    try:
        a, b = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        return int(str(answer).strip()) == a + b
    except (signing.BadSignature, ValueError, TypeError):
        return False

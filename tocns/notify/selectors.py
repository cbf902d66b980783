from django.db.models import QuerySet

from .models import Notification
from .services import reference_for


def notifications_about(obj) -> QuerySet:
    return Notification.objects.filter(reference=reference_for(obj))


def notifications_for_user(user) -> QuerySet:
    return Notification.objects.filter(recipient=user)

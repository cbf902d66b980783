"""Consent per purpose, recorded where teams captures it today (the person's form, an approved
application, the member's own phone choices): a Person saved with a consent flag that has no live
Consent row gets one; a flag turned off withdraws it. Teams keeps its flags; this keeps the record
with the notice's version and its history."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from tocns.teams.models import Person

from .services import consents_follow_person


@receiver(post_save, sender=Person, dispatch_uid="privacy_consents_follow_person")
def _person_saved(sender, instance: Person, raw: bool = False, **kwargs):
    if not raw:
        consents_follow_person(instance)

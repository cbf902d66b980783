"""Give every existing team its random public address (the next migration makes it required)."""

import secrets

from django.db import migrations

# Copied from tocns.teams.models.new_public_slug, so this migration stays as it ran.
LETTERS = "abcdefghijkmnpqrstuvwxyz"
ALPHABET = LETTERS + "23456789"


def _slug() -> str:
    return secrets.choice(LETTERS) + "".join(secrets.choice(ALPHABET) for _ in range(9))


def fill(apps, schema_editor):
    Team = apps.get_model("teams", "Team")
    used = set(Team.objects.exclude(public_slug=None).values_list("public_slug", flat=True))
    for team in Team.objects.filter(public_slug=None).only("pk").iterator():
        slug = _slug()
        while slug in used:
            slug = _slug()
        used.add(slug)
        Team.objects.filter(pk=team.pk).update(public_slug=slug)


class Migration(migrations.Migration):

    dependencies = [
        ("teams", "0005_team_public_slug"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

import pytest

from .factories import World


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is for production; tests need speed (healthchecks does the same).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: plain storage instead of the hashed manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def world(db) -> World:
    return World()

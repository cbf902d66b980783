import pytest

from .factories import World


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is for production; tests need speed (healthchecks does the same).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: plain storage instead of the hashed manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # The office roles' second factor is proven in tests/accounts/test_second_factor.py (which turns
    # it back on); elsewhere those roles sign in with a password only, as tests did before it.
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    # seed_demo writes no var/demo-logins.csv from tests (tests/demo/test_seed_demo.py gives a path).
    settings.DEMO_LOGINS_CSV = ""


@pytest.fixture
def world(db) -> World:
    return World()

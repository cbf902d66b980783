import pytest

from tocns.notify.models import NoticeKind

from .fakes import APP_ID, SECRET_KEY, SMS_KEY, FakeProviders


@pytest.fixture
def fake(settings):
    """Fake Zalo and SMS servers on loopback, and the settings that point every channel at them
    (every kind of notice has the fake's approved ZNS template)."""
    providers = FakeProviders().start()
    settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY, settings.ZALO_REFRESH_TOKEN = APP_ID, SECRET_KEY, "rt-0"
    settings.ZALO_OAUTH_URL = settings.ZALO_ZNS_URL = providers.url
    settings.ZALO_TEMPLATES = {kind: "tpl-1" for kind in NoticeKind.values}
    settings.SMS_API_URL, settings.SMS_API_KEY = f"{providers.url}/sms/send", SMS_KEY
    settings.SMS_BRANDNAME, settings.SMS_CALLBACK_URL = "TOCNS", "http://127.0.0.1/notify/sms/receipt"
    settings.CHANNEL_TIMEOUT = 2
    yield providers
    providers.stop()

"""Without collectstatic's manifest, pages still answer (plain static names), instead of 500."""

import pytest

from tocns.lib import static

pytestmark = pytest.mark.django_db


def test_pages_answer_without_the_manifest_with_plain_static_names(client, settings, tmp_path, caplog):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path  # no staticfiles.json there
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "tocns.lib.static.ManifestOrPlainStorage"}}
    static.ManifestOrPlainStorage.warned = False
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/static/css/app.css"' in response.content.decode()
    assert "collectstatic" in caplog.text


def test_with_the_manifest_the_hashed_names_are_used(settings, tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        '{"version": "1.1", "paths": {"css/app.css": "css/app.0123abcd.css"}, "hash": "x"}')
    settings.STATIC_ROOT = tmp_path
    storage = static.ManifestOrPlainStorage(location=tmp_path)
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"

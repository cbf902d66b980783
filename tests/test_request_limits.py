"""Request limits (tocns.lib.security.RequestLimitsMiddleware): a body larger than its page takes is
refused from its Content-Length before it is read (413), and a NUL byte or broken UTF-8 in the path or
a parameter answers 400 with the app's page on every address, never 500 (PostgreSQL refuses NUL)."""

import datetime
import io
import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tocns.fieldwork.models import Activity
from tocns.lib.security import UPLOAD_VIEWS, request_limit

from .factories import make_team
from .reports.factories import established_long_ago, freeze

pytestmark = pytest.mark.django_db
MB = 1024 * 1024

# Plausible values for path converters: the first one a converter's pattern accepts is used.
SAMPLES = ("1", "02269", "thuong-lam", str(uuid.UUID(int=1)), "a/b")
ROUTE_PART = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _route_sample(pattern: RoutePattern) -> str:
    def fill(match):
        converter = pattern.converters[match["name"]]
        return next(value for value in SAMPLES if re.fullmatch(converter.regex, value))
    return ROUTE_PART.sub(fill, str(pattern._route))


def _regex_sample(pattern: RegexPattern) -> str:
    def fill(match):
        body = match["body"]
        if re.fullmatch(r"[\w|-]+", body):  # an alternation of words: take the first
            return body.split("|")[0]
        return next(value for value in SAMPLES if re.fullmatch(body, value))
    text = NAMED_GROUP.sub(fill, pattern._regex).removeprefix("^").removesuffix("$")
    return text.replace("\\", "")


def every_address() -> list[str]:
    """One address for each URL pattern of the site, its converters filled with plausible values."""
    def walk(patterns, prefix):
        for entry in patterns:
            sample = _route_sample(entry.pattern) if isinstance(entry.pattern, RoutePattern) \
                else _regex_sample(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + sample)
            elif isinstance(entry, URLPattern):
                yield prefix + sample
    return ["/" + path for path in walk(get_resolver().url_patterns, "")]


def test_the_walk_reaches_every_pattern_with_an_address_that_resolves():
    addresses = every_address()
    assert len(addresses) > 100 and any(address.startswith("/to/") for address in addresses)
    for address in addresses:
        resolve(address)  # raises Resolver404 if a filled converter does not fit its pattern


@pytest.mark.parametrize("who", ["province_admin", "visitor"])
@pytest.mark.parametrize("bad", ["%00", "%ff", "a%00b", "%c3%28"])
def test_every_address_answers_a_nul_byte_or_broken_utf8_in_a_parameter_with_400(client, world, who, bad):
    if who == "province_admin":
        client.force_login(world.province_admin)
    wrong = {}
    for address in every_address():
        response = client.get(f"{address}?q={bad}")
        if response.status_code != 400:
            wrong[address] = response.status_code
        elif address.startswith("/api/"):
            assert "ký tự không hợp lệ" in response.json()["detail"]
        else:
            assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert wrong == {}


def test_a_nul_byte_or_broken_utf8_in_the_path_answers_400_on_public_pages(client, world):
    for address in ("/to/%00/", "/dang-ky/don/AB%00CD/", "/dang-ky/xa/%00/", "/phan-anh/theo-doi/%ff%fe/",
                    "/dang-ky/xa/%c3%28/"):
        response = client.get(address)
        assert response.status_code == 400, address
        assert "Về trang chủ" in response.content.decode()
    assert client.get("/dang-ky/xa/02269/").status_code == 200


def test_a_search_typed_with_diacritics_still_finds_the_village(client, world):
    response = client.get("/?q=N%C3%A0%20Kh%C3%A0")  # "Nà Khà", as a phone sends it
    assert response.status_code == 200 and "Thôn Nà Khà" in response.content.decode()
    assert client.get("/phan-anh/?q=Th%C6%B0%E1%BB%A3ng+L%C3%A2m").status_code == 200


def test_a_nul_byte_in_a_posted_form_field_answers_400(client, world):
    response = client.post("/phan-anh/theo-doi/", "code=AB%00CD", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    response = client.post("/accounts/login/", {"username": "0912345678\x00", "password": "x"})  # multipart
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_broken_utf8_in_a_posted_form_body_answers_400(client, world):
    response = client.post("/accounts/login/", "username=%ff&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.fixture
def team(world, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))
    return established_long_ago(make_team(world, world.village_a1, members=1))


def _activity(world, notes):
    return {"client_id": str(uuid.uuid4()), "date": "2026-11-19", "unit": world.village_a1.code,
            "kind": "guidance", "services": ["vneid"], "people_count": 4, "notes": notes}


def test_an_api_batch_with_a_nul_in_a_string_answers_400_and_stores_nothing(client, world, team):
    client.force_login(world.leader_a1)
    body = json.dumps([_activity(world, "Hướng dẫn"), _activity(world, "cài VNeID\x00")])
    assert "\\u0000" in body
    response = client.post("/api/v1/activities/batch", body, content_type="application/json")
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.json()["detail"]
    assert Activity.objects.count() == 0


def test_an_api_note_that_spells_a_backslash_u0000_as_text_is_stored(client, world, team):
    client.force_login(world.leader_a1)
    body = json.dumps([_activity(world, "gõ \\u0000 trên máy")])  # the text \u0000, not a NUL
    response = client.post("/api/v1/activities/batch", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Activity.objects.get().notes == "gõ \\u0000 trên máy"


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post_claiming(client, address, length, content_type="multipart/form-data; boundary=x"):
    return client.generic("POST", address, b"", content_type=content_type,
                          CONTENT_LENGTH=str(length), **{"wsgi.input": UnreadableBody()})


def test_a_50_mb_photo_is_refused_from_its_length_before_the_body_is_read(client, world, team):
    client.force_login(world.leader_a1)
    response = _post_claiming(client, "/nhat-ky/", 50 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert "Tệp gửi lên quá lớn" in page and "tối đa 11 MB" in page


def test_an_ordinary_page_takes_a_small_body_and_an_upload_page_a_larger_one(client, world, settings):
    join_group = reverse("portal:join_group", args=[make_team(world).public_slug])
    limits = {address: request_limit(RequestFactory().post(address))
              for address in ("/phan-anh/theo-doi/", join_group, "/teams/1/establish/", "/nhat-ky/")}
    assert limits == {"/phan-anh/theo-doi/": settings.REQUEST_MAX_BYTES, join_group: settings.PUBLIC_UPLOAD_MAX_BYTES,
                      "/teams/1/establish/": settings.UPLOAD_MAX_BYTES, "/nhat-ky/": settings.UPLOAD_MAX_BYTES}
    assert settings.REQUEST_MAX_BYTES < settings.PUBLIC_UPLOAD_MAX_BYTES < settings.UPLOAD_MAX_BYTES
    assert _post_claiming(client, "/phan-anh/theo-doi/", settings.REQUEST_MAX_BYTES + 1).status_code == 413
    assert _post_claiming(client, join_group, settings.PUBLIC_UPLOAD_MAX_BYTES + 1).status_code == 413
    assert _post_claiming(client, "/teams/1/establish/", settings.UPLOAD_MAX_BYTES + 1).status_code == 413
    response = _post_claiming(client, "/api/v1/activities/batch", settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1,
                              content_type="application/json")
    assert response.status_code == 413 and "tối đa 2,5 MB" in response.json()["detail"]


def test_a_decision_scan_of_9_mb_passes_the_limit_and_meets_the_forms_own_check(client, world):
    team = make_team(world, world.village_a1, established=False)
    client.force_login(world.chairman_a)
    scan = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n" + b"0" * (9 * MB), content_type="application/pdf")
    response = client.post(f"/teams/{team.pk}/establish/", {"signed_file": scan, "number": ""})
    assert response.status_code == 200  # the form answers (its missing fields), not the size limit


def test_a_photo_sent_without_the_pages_script_gets_the_logs_own_message(client, world, team):
    client.force_login(world.leader_a1)
    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * (3 * MB), content_type="image/jpeg")
    response = client.post("/nhat-ky/", {"client_id": str(uuid.uuid4()), "date": "19/11/2026",
                                         "unit": world.village_a1.code, "kind": "guidance", "people_count": "3",
                                         "photo": photo})
    assert response.status_code == 200 and "Ảnh lớn hơn 300 KB" in response.content.decode()


def test_every_page_named_in_the_upload_limits_exists():
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    walk(get_resolver().url_patterns, "")
    assert set(UPLOAD_VIEWS) - names == set()


def test_a_guide_file_of_4_mb_passes_the_limit_and_is_stored_whole(client, world, settings, tmp_path):
    from tocns.fieldwork.models import Guide, GuideFile, Service

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.province_admin)
    client.post("/huong-dan/moi/", {"title": "Cài VssID", "pillar": "government", "summary": "Bảo hiểm xã hội số.",
                                    "services": [Service.objects.get(code="vneid").pk],
                                    "submission_key": str(uuid.uuid4())})
    guide = Guide.objects.get(title="Cài VssID")
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE (read through a temporary file), NUL bytes inside: a file may hold them.
    content = b"%PDF-1.7\n" + bytes(range(256)) * (4 * MB // 256)
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    client.post(f"/huong-dan/{guide.pk}/sua/", {"action": "file", "file-submission_key": str(uuid.uuid4()),
                                               "file-file": SimpleUploadedFile("vssid.pdf", content)})
    assert GuideFile.objects.get().file.read() == content

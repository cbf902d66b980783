"""Security headers that Django's SecurityMiddleware does not set itself, and the limits every
request meets before a view runs (its size, no NUL bytes, valid UTF-8)."""

import hashlib
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# Everything comes from this host: no CDN, no outside fonts or scripts (also keeps pages light).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


# ---- the sender's address, for the public pages' limits ------------------------------------------

def client_address(request) -> str:
    """The sender's address; behind PROXY_COUNT trusted proxies, read from X-Forwarded-For."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def sender_hash(request) -> str:
    """The address salted with the secret key and hashed: what the limits count, never the address."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()


# ---- request limits: size, NUL bytes, broken UTF-8 ------------------------------------------------

# The pages that take files, and the settings that hold their ceiling for the whole request (the
# file plus the form around it). Every other request gets REQUEST_MAX_BYTES, the JSON API
# DATA_UPLOAD_MAX_MEMORY_SIZE (its batches). Names, not paths, so a changed address keeps its limit.
UPLOAD_VIEWS = {
    "fieldwork:log": "UPLOAD_MAX_BYTES",  # a photo sent without the page's script, before it is made smaller
    "fieldwork:upload_queue": "UPLOAD_MAX_BYTES",  # a phone's saved queue, photos inside
    "teams:members_import": "UPLOAD_MAX_BYTES",
    "dashboard:village_import": "UPLOAD_MAX_BYTES",
    "report_settings:targets_import": "UPLOAD_MAX_BYTES",
    "teams:establish": "UPLOAD_MAX_BYTES",  # decision scans, up to 10 MB
    "teams:dissolve": "UPLOAD_MAX_BYTES",
    "teams:decision_file": "UPLOAD_MAX_BYTES",
    "guides:create": "UPLOAD_MAX_BYTES",  # guide pictures and files, up to 5 MB
    "guides:edit": "UPLOAD_MAX_BYTES",
    "support:ask": "UPLOAD_MAX_BYTES",  # a support request's photo sent without the page's script
    "portal:join_group": "PUBLIC_UPLOAD_MAX_BYTES",  # anyone may send it: a 50-row list is a few KB
}
API_PREFIX = "/api/"
# What Django's path decoding leaves of bytes that are not UTF-8 (it writes them back as %XX).
BROKEN_IN_PATH = re.compile(r"%[89A-F][0-9A-F]")
# A JSON string holding U+0000 (PostgreSQL refuses it in text): an odd run of backslashes, then u0000.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def request_limit(request) -> int:
    """The most bytes this request may carry, by the view its path leads to."""
    if request.path_info.startswith(API_PREFIX):
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return settings.REQUEST_MAX_BYTES
    return getattr(settings, UPLOAD_VIEWS.get(view_name, "REQUEST_MAX_BYTES"))


def _clean_text(raw: bytes) -> bool:
    """Percent-encoded text (a query string, a form body) that decodes to UTF-8 without NUL."""
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def request_is_clean(request) -> bool:
    """No NUL byte and no broken UTF-8 in the path, the query string or a posted form's fields.

    Django would replace broken UTF-8 silently and pass NUL on to the database, which PostgreSQL
    refuses with an error page; one check here spares every view from guarding against them."""
    # The server hands the path over decoded; Django turns its broken UTF-8 back into %XX (bytes of
    # 0x80 and above), which no address of the app holds otherwise.
    if "\x00" in request.path_info or BROKEN_IN_PATH.search(request.path_info):
        return False
    if not _clean_text(get_bytes_from_wsgi(request.META, "QUERY_STRING", "")):
        return False
    if request.method not in ("POST", "PUT", "PATCH"):
        return True
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        return _clean_text(request.body)
    if content_type == "multipart/form-data":
        # The parser already turned broken UTF-8 into U+FFFD; a NUL byte is left as it came. A body
        # the parser cannot read (no boundary) is refused here too, with this middleware's 400.
        try:
            fields = [*request.POST.lists(),
                      *((name, [f.name for f in files]) for name, files in request.FILES.lists())]
        except MultiPartParserError:
            return False
        return not any("\x00" in name or any("\x00" in value for value in values) for name, values in fields)
    if content_type == "application/json":
        return b"\x00" not in request.body and not JSON_NUL.search(request.body)
    return True


def _refusal(request, status: int, template: str, message: str, context: dict):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template, context, status=status)


class RequestLimitsMiddleware:
    """Refuses, before any view runs and before the body is read, a request larger than its page
    takes (413), and one with NUL bytes or broken UTF-8 in its path or parameters (400).

    Placed before the session and CSRF middleware, so the size is judged before anything reads the
    body; the check for NUL bytes then reads a form or JSON body, as the CSRF check would anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(request) if length > settings.REQUEST_MAX_BYTES else settings.REQUEST_MAX_BYTES
        if length > limit:
            megabytes = f"{limit / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
            return _refusal(request, 413, "413.html",
                            _("Dữ liệu gửi lên quá lớn: tối đa %(size)s MB.") % {"size": megabytes},
                            {"size": megabytes})
        if not request_is_clean(request):
            return _refusal(request, 400, "400.html",
                            _("Yêu cầu có ký tự không hợp lệ (ký tự rỗng hoặc mã không phải UTF-8)."), {})
        return self.get_response(request)

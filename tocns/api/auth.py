"""API authentication: `Authorization: Bearer <secret>` (a person's token or a machine client's),
beside the session."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from tocns.accounts.access import access_for

from .clients import client_for_secret
from .selectors import user_for_token


class BearerToken(HttpBearer):
    """A request that brings a Bearer token is judged by the token alone: a known, active, unexpired
    personal token signs in its user (request.user is set, so every endpoint works as with a
    session, and no CSRF token is needed as no cookie is involved); a machine client's secret acts
    as the client's service user with the client's read-only scope (request.auth is the ApiClient;
    tocns.api.clients decides what it may call). An unknown, revoked or expired one answers 401 at
    once, without falling back to the session. Without the header, the session decides."""

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            # A user who no longer holds a role that uses the API, and has turned it off, is refused.
            if not access_for(user).api_tokens:
                raise AuthenticationError
            request.user = user
            return user
        client = client_for_secret(token)
        if client is None:
            raise AuthenticationError
        request.user = client.user
        return client


class SessionAuth(APIKeyCookie):
    """The signed-in session (cookie). Without a signed-in session it declines (so the answer is
    401, whatever the method); with one, a request that changes something must carry the CSRF
    token (else 403, in JSON)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("Thiếu hoặc sai mã CSRF: gửi kèm tiêu đề X-CSRFToken (hoặc dùng mã truy cập API)."))
        return request.user


session_auth = SessionAuth()

import time
from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

IDLE_LIMITED_ROLES = ("province_admin", "commune_chairman", "commune_officer")


class PasswordChangeRequiredMiddleware:
    """A user whose password was set or reset by someone else must choose their own first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout"),
                       reverse("accounts:second_factor"), reverse("accounts:second_factor_setup")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/healthz")):
                return redirect("accounts:password_change")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A signed-in member's pages are never kept by the browser's own caches: on a phone shared by
    several members, Back after signing out must not show the previous member's page. (The pages kept
    for offline use live in the service worker's store, which signing in or out empties.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and "Cache-Control" not in response
                and response.get("Content-Type", "").startswith("text/html")):
            add_never_cache_headers(response)
        return response


class IdleTimeoutMiddleware:
    """The province admin, commune chairmen and officers hold everyone's data: their session ends
    after SESSION_IDLE_MINUTES without a request (others keep SESSION_COOKIE_AGE). The session's
    own expiry does it (database row and cookie), renewed at most once a minute, so an idle hour
    is never a write per request. What such a user typed when the session ended is kept by
    static/js/draft.js and put back after signing in."""

    RENEW_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            if "idle_limited" not in session:  # a session begun before this rule: decide once
                idle_clock_start(session, user)
            elif session["idle_limited"] and int(time.time()) - session.get("seen", 0) >= self.RENEW_SECONDS:
                idle_clock_start(session, user, roles_known=True)
        return self.get_response(request)


def idle_clock_start(session, user, *, roles_known: bool = False) -> None:
    """Marks the session of an office role as ending after SESSION_IDLE_MINUTES from now. Called at
    sign-in (signal, apps.py) with the roles held then, and again by the middleware once a minute."""
    if not roles_known:
        from .models import Assignment

        session["idle_limited"] = Assignment.objects.active().filter(
            user=user, role__in=IDLE_LIMITED_ROLES).exists()
    if session["idle_limited"]:
        session["seen"] = int(time.time())
        session.set_expiry(settings.SESSION_IDLE_MINUTES * 60)


class SecondFactorMiddleware:
    """After the password, a user with an authenticator types its code, and a user whose role needs
    one (SECOND_FACTOR_REQUIRED_ROLES) sets it up, before any other page. Whether he must is decided
    at sign-in and kept in the session (accounts.second_factor.SESSION_KEY): no query per page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            from .second_factor import SESSION_KEY, second_factor_state

            state = request.session.get(SESSION_KEY)
            if state is None:
                state = request.session[SESSION_KEY] = second_factor_state(user)
            if state != "none" and not self._open(request.path):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "second factor needed"}, status=401)
                target = reverse("accounts:second_factor" if state == "device" else "accounts:second_factor_setup")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in {reverse("accounts:second_factor"), reverse("accounts:second_factor_setup"),
                        reverse("accounts:logout")} or path.startswith(("/static/", "/healthz"))

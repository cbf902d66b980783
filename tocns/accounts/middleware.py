from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class PasswordChangeRequiredMiddleware:
    """A user whose password was set or reset by someone else must choose their own first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
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

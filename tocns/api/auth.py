"""API token authentication: `Authorization: Bearer <secret>`, beside the session."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from tocns.accounts.access import access_for

from .selectors import user_for_token


class BearerToken(HttpBearer):
    """A request that brings a Bearer token is judged by the token alone: a known, active token
    signs in its user (request.user is set, so every endpoint works as with a session, and no
    CSRF token is needed as no cookie is involved); an unknown or revoked one answers 401 at once,
    without falling back to the session. Without the header, the session decides."""

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        # A user who no longer holds a role that uses the API, and has turned it off, is refused too.
        if user is None or not access_for(user).api_tokens:
            raise AuthenticationError
        request.user = user
        return user

"""The fuzzer's callers, made in the throwaway demo database (run by api_fuzz.py through
`manage.py shell`): a personal API token for a demo team member and one for a demo commune officer,
made by the same service as the «Mã truy cập API» page, and a machine client for the whole province
when the API has them. Prints one JSON line: {"member": secret, "officer": secret, "machine": secret}."""

import json

from tocns.accounts.access import access_for
from tocns.accounts.models import Role, User
from tocns.accounts.services import user_set_api_access
from tocns.api import services

PROVINCE = "08"


def demo_user(role: str) -> User:
    """The first demo user (by username, so the same one each run) holding `role`; a team member
    turns the API on in his profile first, as the profile page lets him."""
    users = User.objects.filter(is_active=True, assignments__role=role, assignments__ended_at__isnull=True)
    user = users.distinct().order_by("username").first()
    if user is None:
        raise SystemExit(f"api-fuzz: no demo user with the role {role}")
    if not access_for(user).api_tokens:
        user = user_set_api_access(user=user, enabled=True)
    return user


def personal_token(role: str) -> str:
    _token, secret = services.token_create(user=demo_user(role), name="api-fuzz")
    return secret


callers = {"member": personal_token(Role.TEAM_MEMBER), "officer": personal_token(Role.COMMUNE_OFFICER)}
if hasattr(services, "api_client_create"):
    # The same path as `manage.py api_client_create --province 08 --name …`, which prints the secret.
    from tocns.api.clients import GROUPS
    from tocns.geo.models import AdminUnit

    # Every group, and the highest rate the service allows, so the fuzzer is not cut short by 429.
    _client, callers["machine"] = services.api_client_create(
        province=AdminUnit.objects.get(code=PROVINCE), name="api-fuzz", groups=list(GROUPS), per_minute=6000)
else:
    callers["machine_missing"] = "tocns.api.services.api_client_create does not exist yet"
print(json.dumps(callers))

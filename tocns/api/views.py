"""API tokens (the signed-in user's own: list, create with the secret shown once, revoke) and the province
admin's machine clients (register, rotate, revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tocns.accounts.access import page_rule
from tocns.lib.forms import add_service_errors

from . import services
from .forms import ClientCreateForm, TokenCreateForm
from .selectors import (
    client_for_admin_or_404,
    clients_for_admin,
    communes_for_clients,
    province_of,
    tokens_for_user,
)


def _parts(secret: str | None) -> list[str]:
    """The secret in pieces, shown with <wbr> between them so a phone can wrap it (copying keeps it whole)."""
    return [secret[i:i + 12] for i in range(0, len(secret), 12)] if secret else []


@never_cache
@login_required
@page_rule("api_tokens")
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"],
                                                  submission_key=form.cleaned_data["submission_key"],
                                                  days=form.cleaned_data["days"] or services.TOKEN_DAYS)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the secret must not travel in a URL or the session.
            return render(request, "api/token_created.html", {"token": token, "secret": secret,
                                                               "secret_parts": _parts(secret)})
    return render(request, "api/token_list.html", {
        "tokens": tokens_for_user(request.user), "form": form, "max_active": services.MAX_ACTIVE_TOKENS,
    })


@login_required
@page_rule("api_tokens")
def token_revoke(request, pk: int):
    """GET asks to confirm; POST revokes. Revoking an already revoked token changes nothing."""
    token = get_object_or_404(tokens_for_user(request.user), pk=pk)
    if request.method == "POST":
        was_active = token.is_active
        services.token_revoke(user=request.user, token_id=token.pk)
        if was_active:
            messages.success(request, _("Đã thu hồi mã «%(name)s». Ứng dụng nào dùng mã này sẽ không truy cập "
                                        "được nữa.") % {"name": token.name})
        else:
            messages.info(request, _("Mã «%(name)s» đã được thu hồi từ trước.") % {"name": token.name})
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})


@never_cache
@login_required
@page_rule("province_admin")
def client_list(request):
    """Machine clients of the admin's province: register one (its secret shown once), see last use."""
    form = ClientCreateForm(request.POST or None, communes=communes_for_clients(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, secret = services.api_client_create(
                province=data["communes"][0].province if data["communes"] else province_of(request.user),
                name=data["name"], communes=data["communes"], groups=data["groups"], by=request.user,
                per_minute=data["per_minute"], submission_key=data["submission_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "api/client_secret.html", {"client": client, "secret": secret,
                                                                "secret_parts": _parts(secret)})
    return render(request, "api/client_list.html", {"clients": clients_for_admin(request.user), "form": form})


@never_cache
@login_required
@page_rule("province_admin")
def client_rotate(request, pk: int):
    """GET asks to confirm; POST makes a new secret (shown once) and stops the old one."""
    client = client_for_admin_or_404(request.user, pk)
    if request.method == "POST" and client.is_active:
        client, secret = services.api_client_rotate(client=client, by=request.user)
        return render(request, "api/client_secret.html", {"client": client, "secret": secret,
                                                                "secret_parts": _parts(secret), "rotated": True})
    return render(request, "api/client_confirm.html", {"client": client, "action": "rotate"})


@login_required
@page_rule("province_admin")
def client_revoke(request, pk: int):
    """GET asks to confirm; POST revokes (the row stays in the list)."""
    client = client_for_admin_or_404(request.user, pk)
    if request.method == "POST":
        services.api_client_revoke(client=client, by=request.user)
        messages.success(request, _("Đã thu hồi «%(name)s»: hệ thống này không truy cập được nữa.")
                         % {"name": client.name})
        return redirect("api_tokens:clients")
    return render(request, "api/client_confirm.html", {"client": client, "action": "revoke"})

"""The signed-in user's own API tokens: list, create (the secret is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tocns.accounts.access import page_rule
from tocns.accounts.views import add_service_errors

from . import services
from .forms import TokenCreateForm
from .selectors import tokens_for_user


@never_cache
@login_required
@page_rule("api_tokens")
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"],
                                                  submission_key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the secret must not travel in a URL or the session.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tocns.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import idle_clock_start

        def on_sign_in(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                from .second_factor import SESSION_KEY, second_factor_state

                idle_clock_start(request.session, user)
                request.session[SESSION_KEY] = second_factor_state(user)

        user_logged_in.connect(on_sign_in, dispatch_uid="accounts.idle_clock_start", weak=False)

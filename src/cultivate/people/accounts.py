"""How people sign in (on top of django-allauth).

- Failed sign-ins are limited per (account, client address) and, more loosely, per address
  (ACCOUNT_RATE_LIMITS["login_failed"]): an attacker's failures elsewhere never lock the owner out.
- A limited sign-in answers 429 with Retry-After, not the form again with 200.
- Every attempt costs one password hash, whether the account exists or not, so timing does not
  tell registered addresses from unknown ones.
"""

from allauth.account import views as allauth_views
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.utils.translation import gettext as _

from cultivate.core.ratelimit import client_address, seconds_until_allowed

TOO_MANY_ATTEMPTS = "too_many_login_attempts"


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys failed sign-ins by the account alone; pair it with the address. Both the
        # limit (pre_authenticate) and its reset after a password reset read this key.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_address(request)}"


class LoginView(allauth_views.LoginView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "remember" in form.fields:  # allauth's label is in title case
            form.fields["remember"].label = _("Keep me signed in")
        return form

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(error.code == TOO_MANY_ATTEMPTS for error in form.non_field_errors().as_data()):
            key = get_adapter()._get_login_attempts_cache_key(self.request,
                                                               **form.user_credentials())
            response.status_code = 429
            response["Retry-After"] = str(seconds_until_allowed(self.request, "login_failed", key))
        return response


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, hashing each candidate account's password once per attempt.

    With both e-mail and username sign-in, allauth checked a known address's password twice
    (as "username" and as "email") while an unknown one cost a single dummy hash: the
    difference was measurable (bench/login_timing.py). It replaces Django's ModelBackend too,
    which added one more dummy hash for e-mail addresses (never usernames here).
    """

    def authenticate(self, request, **credentials):
        self._checked: dict = {}
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is None:
            return None
        if user.pk not in self._checked:
            self._checked[user.pk] = super()._check_password(user, password)
        return self._checked[user.pk]

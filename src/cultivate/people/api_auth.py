"""How API callers prove who they are: a personal access token (`Authorization: Bearer`)."""

from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from cultivate.core.i18n import offered
from cultivate.people.actions import user_for_token


class PersonalAccessTokenAuth(HttpBearer):
    openapi_description = "A personal access token created on your profile page (cul_...)."

    def authenticate(self, request, token):
        user = user_for_token(token.strip())  # as the rate limiter reads it (core/ratelimit.py)
        if user is None:
            raise AuthenticationError(message=_("Invalid or revoked token."))
        request.user = user
        request.signed_in_by_token = True  # token routes refuse such requests (people/api.py)
        if offered(user.language):  # error messages in the account's language
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user

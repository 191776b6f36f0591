"""How API callers prove who they are: a personal access token (`Authorization: Bearer`)."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from cultivate.people.actions import user_for_token


class PersonalAccessTokenAuth(HttpBearer):
    openapi_description = "A personal access token created on your profile page (cul_...)."

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError(message="Invalid or revoked token.")
        request.user = user
        return user

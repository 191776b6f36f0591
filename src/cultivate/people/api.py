from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.people import actions, queries

router = Router(tags=["people"])


class ProfileOut(Schema):
    id: int
    username: str
    display_name: str
    bio: str
    bio_html: str
    organisation: str
    location: str
    time_zone: str
    languages: list[str]
    expertise: list[str]


class ProfilePatch(Schema):
    display_name: str | None = None
    bio: str | None = None
    organisation: str | None = None
    location: str | None = None
    time_zone: str | None = None
    languages: list[str] | None = None
    expertise: list[str] | None = None


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


def _profile(user) -> dict:
    return {
        "id": user.pk, "username": user.username, "display_name": user.public_name,
        "bio": user.bio, "bio_html": user.bio_html, "organisation": user.organisation,
        "location": user.location, "time_zone": user.time_zone, "languages": user.languages,
        "expertise": [tag.name for tag in user.expertise.all()],
    }


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


@router.get("/me", response=ProfileOut, summary="Your profile")
def me(request: HttpRequest):
    return _profile(_signed_in(request))


@router.patch("/me", response=ProfileOut, summary="Edit your profile")
def edit_me(request: HttpRequest, payload: ProfilePatch):
    user = actions.do_update_profile(actor=_signed_in(request),
                                     **payload.dict(exclude_unset=True))
    return _profile(user)


@router.get("/people/{username}", response=ProfileOut)
def get_person(request: HttpRequest, username: str):
    person = queries.profile(username)
    if person is None:
        raise NotAllowed("no such person", hide=True)
    return _profile(person)


def _token(token) -> dict:
    return {"id": token.pk, "name": token.name, "hint": token.hint,
            "created_at": token.created_at, "last_used_at": token.last_used_at}


@router.get("/me/tokens", response=list[TokenOut], summary="Your active access tokens")
def list_tokens(request: HttpRequest):
    return [_token(t) for t in queries.active_tokens(_signed_in(request))]


@router.post("/me/tokens", response={201: NewTokenOut},
             summary="Create an access token (the secret is shown only in this answer)")
def create_token(request: HttpRequest, payload: TokenIn):
    token, secret = actions.do_create_access_token(actor=_signed_in(request), name=payload.name)
    return Status(201, _token(token) | {"token": secret})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke an access token")
def revoke_token(request: HttpRequest, token_id: int):
    actions.do_revoke_access_token(actor=_signed_in(request), token_id=token_id)
    return Status(204, None)

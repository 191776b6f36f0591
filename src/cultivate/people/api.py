from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from cultivate import policy
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.people import actions, queries
from cultivate.people.mydata.api import router as mydata_router

router = Router(tags=["people"])
claims_router = Router(tags=["account claims"])
router.add_router("/", mydata_router)  # one's own data: export and erasure


class ProfileOut(Schema):
    id: int
    username: str
    display_name: str
    imported_from: str | None = None  # set on placeholder accounts an import created
    claimed_by: str | None = None  # the username a claimed placeholder now belongs to
    bio: str
    bio_html: str
    organisation: str
    location: str
    time_zone: str
    languages: list[str]
    expertise: list[str]
    interface_language: str | None = Field(
        None, description="Your own profile only: the interface language you chose ('' for your "
                          "browser's), one of en, fr, es, ar, zh-hans, ru.")


class ProfilePatch(Schema):
    display_name: str | None = None
    bio: str | None = None
    organisation: str | None = None
    location: str | None = None
    time_zone: str | None = None
    languages: list[str] | None = None
    expertise: list[str] | None = None
    interface_language: str | None = None


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


def _profile(user, own: bool = False) -> dict:
    return {"interface_language": user.language if own else None,
        "id": user.pk, "username": user.username, "display_name": user.public_name,
        "bio": user.bio, "bio_html": user.bio_html, "organisation": user.organisation,
        "location": user.location, "time_zone": user.time_zone, "languages": user.languages,
        "expertise": [tag.name for tag in user.expertise.all()],
        "imported_from": user.placeholder_source if user.is_placeholder else None,
        "claimed_by": user.merged_into.username if user.merged_into_id else None,
    }


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


@router.get("/me", response=ProfileOut, summary="Your profile")
def me(request: HttpRequest):
    return _profile(_signed_in(request), own=True)


@router.patch("/me", response=ProfileOut, summary="Edit your profile")
def edit_me(request: HttpRequest, payload: ProfilePatch):
    values = payload.dict(exclude_unset=True)
    if "interface_language" in values:
        values["language"] = values.pop("interface_language") or ""
    user = actions.do_update_profile(actor=_signed_in(request), **values)
    return _profile(user, own=True)


@router.get("/people/{username}", response=ProfileOut)
def get_person(request: HttpRequest, username: str):
    person = queries.profile(username)
    if person is None:
        raise NotAllowed("no such person", hide=True)
    return _profile(person)


class SessionRequired(ActionError):
    status = 403


def _signed_in_by_session(request):
    """Tokens are managed from a signed-in session only: a leaked token must not mint more."""
    if getattr(request, "signed_in_by_token", False):
        raise SessionRequired(
            _("Access tokens cannot be listed, created or revoked with a token. Sign in and "
              "manage them on your tokens page."), code="session_required")
    return _signed_in(request)


def _token(token) -> dict:
    return {"id": token.pk, "name": token.name, "hint": token.hint,
            "created_at": token.created_at, "last_used_at": token.last_used_at}


@router.get("/me/tokens", response=list[TokenOut], summary="Your active access tokens")
def list_tokens(request: HttpRequest):
    return [_token(t) for t in queries.active_tokens(_signed_in_by_session(request))]


@router.post("/me/tokens", response={201: NewTokenOut},
             summary="Create an access token (the secret is shown only in this answer)")
def create_token(request: HttpRequest, payload: TokenIn):
    token, secret = actions.do_create_access_token(actor=_signed_in_by_session(request),
                                                   name=payload.name)
    return Status(201, _token(token) | {"token": secret})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke an access token")
def revoke_token(request: HttpRequest, token_id: int):
    actions.do_revoke_access_token(actor=_signed_in_by_session(request), token_id=token_id)
    return Status(204, None)


# --- claims on imported placeholder accounts ---------------------------------------------------

class PersonRef(Schema):
    id: int
    username: str
    display_name: str


class ClaimIn(Schema):
    evidence: str = Field(description="Why the account is yours, e.g. a link to your profile on "
                                      "the original site (up to 1000 characters).")


class ClaimDecisionIn(Schema):
    approve: bool
    message: str = ""


class ClaimOut(Schema):
    id: int
    status: str
    claimant: PersonRef
    placeholder: PersonRef
    imported_from: str
    evidence: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: PersonRef | None
    decision_note: str


class ClaimsOut(Schema):
    to_decide: list[ClaimOut]
    yours: list[ClaimOut]


def _person_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def _claim(claim) -> dict:
    return {
        "id": claim.pk, "status": claim.status, "claimant": _person_ref(claim.claimant),
        "placeholder": _person_ref(claim.placeholder),
        "imported_from": claim.placeholder.placeholder_source, "evidence": claim.evidence,
        "created_at": claim.created_at, "decided_at": claim.decided_at,
        "decided_by": _person_ref(claim.decided_by), "decision_note": claim.decision_note,
    }


def _visible_claim(request, claim_id: int):
    claim = queries.visible_claim(_signed_in(request), claim_id)
    if claim is None:
        raise NotAllowed("no such claim", hide=True)
    return claim


@claims_router.post("/people/{username}/claims", response={201: ClaimOut},
                    summary="Claim an imported placeholder account as yours")
def create_claim(request: HttpRequest, username: str, payload: ClaimIn):
    actor = _signed_in(request)
    person = queries.profile(username)
    if person is None:
        raise NotAllowed("no such person", hide=True)
    claim = actions.do_claim_account(actor=actor, placeholder=person, evidence=payload.evidence)
    return Status(201, _claim(claim))


@claims_router.get("/claims", response=ClaimsOut,
                   summary="Pending claims you may decide, and your own claims")
def list_claims(request: HttpRequest):
    user = _signed_in(request)
    return {"to_decide": [_claim(c) for c in queries.claims_to_decide(user)],
            "yours": [_claim(c) for c in queries.own_claims(user)]}


@claims_router.post("/claims/{claim_id}/decision", response=ClaimOut,
                    summary="Approve (merging the accounts) or decline a claim")
def decide_claim(request: HttpRequest, claim_id: int, payload: ClaimDecisionIn):
    claim = _visible_claim(request, claim_id)
    claim = actions.do_decide_claim(actor=request.user, claim=claim, approve=payload.approve,
                                    message=payload.message)
    return _claim(claim)


@claims_router.post("/claims/{claim_id}/withdraw", response=ClaimOut,
                    summary="Withdraw your pending claim")
def withdraw_claim(request: HttpRequest, claim_id: int):
    claim = _visible_claim(request, claim_id)
    return _claim(actions.do_withdraw_claim(actor=request.user, claim=claim))

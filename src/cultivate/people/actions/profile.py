"""Changes to a person's own profile and access tokens."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.models import tags_from_names
from cultivate.people.models import (
    PersonalAccessToken,
    TokenRevocation,
    User,
    hash_token,
    validate_time_zone,
)

PROFILE_LIMITS = {"display_name": 80, "bio": 2000, "organisation": 120, "location": 120}
MAX_LIST = 20


def _require_self(actor) -> None:
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")


def _clean_list(values, field: str, errors: dict) -> list[str]:
    items = []
    for value in values or []:
        value = " ".join(str(value).split())
        if value and value not in items:
            items.append(value[:60])
    if len(items) > MAX_LIST:
        errors[field] = [_("Use at most %(max)d entries.") % {"max": MAX_LIST}]
    return items


def _set_interface_language(actor, code: str, changed: list, errors: dict) -> None:
    if code and code not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the offered languages: %(codes)s.")
                              % {"codes": ", ".join(dict(settings.LANGUAGES))}]
    elif code != actor.language:
        actor.language = code
        changed.append("language")


@transaction.atomic
def do_update_profile(*, actor: User, **values) -> User:
    _require_self(actor)
    errors: dict[str, list[str]] = {}
    changed = []
    for field, limit in PROFILE_LIMITS.items():
        if field in values:
            text = (values[field] or "").strip()
            if len(text) > limit:
                errors[field] = [_("Keep this under %(max)d characters.") % {"max": limit}]
            elif text != getattr(actor, field):
                setattr(actor, field, text)
                changed.append(field)
    if "time_zone" in values:
        try:
            validate_time_zone(values["time_zone"])
            if values["time_zone"] != actor.time_zone:
                actor.time_zone = values["time_zone"]
                changed.append("time_zone")
        except Exception:  # noqa: BLE001 - any invalid value is a field error
            errors["time_zone"] = [_("Choose a time zone from the list, e.g. Europe/Paris.")]
    if "language" in values:
        _set_interface_language(actor, values["language"] or "", changed, errors)
    if "languages" in values:
        languages = _clean_list(values["languages"], "languages", errors)
        if languages != actor.languages:
            actor.languages = languages
            changed.append("languages")
    expertise = None
    if "expertise" in values:
        expertise = _clean_list(values["expertise"], "expertise", errors)
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    if changed:
        actor.save()
    if expertise is not None:
        actor.expertise.set(tags_from_names(expertise))
        changed.append("expertise")
    if changed:
        record_activity(actor=actor, verb=Verb.PROFILE_EDITED, target=actor,
                        payload={"fields": sorted(changed)})
    return actor


@transaction.atomic
def do_create_access_token(*, actor: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    _require_self(actor)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ActionError(_("Name the token (up to 80 characters), e.g. 'reporting script'."),
                          fields={"name": [_("Required, up to 80 characters.")]})
    if actor.access_tokens.filter(revoked_at__isnull=True).count() >= 50:
        raise ActionError(_("Revoke an old token before creating more than 50."), code="too_many")
    secret = PersonalAccessToken.new_secret()
    token = PersonalAccessToken.objects.create(
        user=actor, name=name, token_hash=hash_token(secret), hint=secret[:8]
    )
    return token, secret


@transaction.atomic
def do_revoke_access_token(*, actor: User, token_id: int) -> PersonalAccessToken:
    _require_self(actor)
    token = actor.access_tokens.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotAllowed("no such token", hide=True)
    token.revoked_at = timezone.now()
    token.revoked_reason = TokenRevocation.BY_OWNER
    token.save(update_fields=["revoked_at", "revoked_reason"])
    return token


@transaction.atomic
def do_revoke_all_access_tokens(*, actor: User, reason: str = TokenRevocation.BY_OWNER) -> int:
    """Revoke every active token of the actor (their password changed, or they asked)."""
    if actor.pk is None:
        return 0
    return actor.access_tokens.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)


def user_for_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None; notes when it was last used."""
    if not secret or not secret.startswith(PersonalAccessToken.PREFIX) or len(secret) > 200:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

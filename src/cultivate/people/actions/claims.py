"""Claiming an imported placeholder account: ask, withdraw, decide (approving merges)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.models import Membership, Role
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.i18n import language_of
from cultivate.core.mail import send_after_commit, send_to_people_after_commit
from cultivate.people.merging import merge_accounts
from cultivate.people.models import (
    MAX_DECISION_NOTE,
    MAX_EVIDENCE,
    AccountClaim,
    ClaimStatus,
    User,
)

MAX_PENDING_CLAIMS = 10


def _claims_url() -> str:
    return settings.SITE_URL + reverse("people:claims")


@transaction.atomic
def do_claim_account(*, actor, placeholder: User, evidence: str) -> AccountClaim:
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")
    # Locked: an approval merging this account at the same moment goes first or waits.
    placeholder = User.objects.select_for_update().get(pk=placeholder.pk)
    if placeholder.pk == actor.pk or placeholder.merged_into_id == actor.pk:
        raise ActionError(_("This is already your account."), code="own_account")
    if not placeholder.is_placeholder:
        raise ActionError(_("Only accounts created by an import can be claimed."),
                          code="not_a_placeholder")
    if not placeholder.is_claimable:
        raise Conflict(_("Someone has already claimed this account."), code="already_claimed")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ActionError(_("Tell the reviewers why this account is yours."),
                          fields={"evidence": [_("Required.")]})
    if len(evidence) > MAX_EVIDENCE:
        message = _("Keep this under %(max)d characters.") % {"max": MAX_EVIDENCE}
        raise ActionError(message, fields={"evidence": [message]})
    pending = AccountClaim.objects.filter(claimant=actor, status=ClaimStatus.PENDING)
    if pending.filter(placeholder=placeholder).exists():
        raise Conflict(_("Your claim on this account is already waiting for review."),
                       code="already_requested")
    if pending.count() >= MAX_PENDING_CLAIMS:
        raise Conflict(_("Wait for your other claims to be decided before making more."),
                       code="too_many")
    try:
        with transaction.atomic():
            claim = AccountClaim.objects.create(claimant=actor, placeholder=placeholder,
                                                evidence=evidence)
    except IntegrityError as error:
        raise Conflict(_("Your claim on this account is already waiting for review."),
                       code="already_requested") from error
    record_activity(actor=actor, verb=Verb.ACCOUNT_CLAIM_REQUESTED, target=claim,
                    payload={"placeholder": placeholder.pk})
    _tell_deciders_about(claim)
    return claim


def deciders(claim: AccountClaim):
    """Platform admins and conveners of the placeholder's communities, not the claimant."""
    conveners = Membership.objects.filter(
        role=Role.CONVENER, community__memberships__user=claim.placeholder
    ).values("user_id")
    people = User.objects.filter(Q(is_superuser=True) | Q(pk__in=conveners), is_active=True)
    return people.exclude(pk=claim.claimant_id).exclude(email="")


def _tell_deciders_about(claim: AccountClaim) -> None:
    send_to_people_after_commit(deciders(claim).only("email", "language"),
                                template="people/email/claim_requested",
                                context={"claim": claim, "claims_url": _claims_url()})


def _tell_claimant(claim: AccountClaim) -> None:
    if claim.claimant.email:
        send_after_commit(
            to=[claim.claimant.email], template="people/email/claim_decided",
            context={"claim": claim, "approved": claim.status == ClaimStatus.APPROVED,
                     "claims_url": _claims_url(), "profile_url": settings.SITE_URL + reverse(
                         "people:profile", kwargs={"username": claim.claimant.username})},
            language=language_of(claim.claimant))


def sees_claim(user, claim: AccountClaim) -> bool:
    """The claimant and whoever decided it see a claim; so does anyone who may decide it."""
    if not policy.is_signed_in(user):
        return False
    return user.pk in (claim.claimant_id, claim.decided_by_id) or policy.may_decide_claim(
        user, claim.placeholder, claimant=claim.claimant)


def _locked(claim: AccountClaim) -> AccountClaim:
    return (AccountClaim.objects.select_for_update()
            .select_related("claimant", "placeholder").get(pk=claim.pk))


@transaction.atomic
def do_withdraw_claim(*, actor, claim: AccountClaim) -> AccountClaim:
    if not policy.is_signed_in(actor) or claim.claimant_id != actor.pk:
        raise NotAllowed("not your claim", hide=True)
    claim = _locked(claim)
    if not claim.is_pending:
        raise Conflict(_("This claim was already decided."), code="already_decided")
    claim.status = ClaimStatus.WITHDRAWN
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_at"])
    record_activity(actor=actor, verb=Verb.ACCOUNT_CLAIM_WITHDRAWN, target=claim,
                    payload={"placeholder": claim.placeholder_id})
    return claim


@transaction.atomic
def do_decide_claim(*, actor, claim: AccountClaim, approve: bool,
                    message: str = "") -> AccountClaim:
    claim = _locked(claim)
    may_decide = policy.may_decide_claim(actor, claim.placeholder, claimant=claim.claimant)
    if not claim.is_pending and (may_decide or sees_claim(actor, claim)):
        raise Conflict(_("This claim was already decided."), code="already_decided")
    if not may_decide:
        # The claimant sees their claim but may not decide it; anyone else must not know of it.
        raise NotAllowed("not allowed to decide this claim",
                         hide=not (policy.is_signed_in(actor) and claim.claimant_id == actor.pk))
    message = (message or "").strip()
    if len(message) > MAX_DECISION_NOTE:
        text = _("Keep the message under %(max)d characters.") % {"max": MAX_DECISION_NOTE}
        raise ActionError(text, fields={"message": [text]})
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.DECLINED
    claim.decided_by, claim.decided_at, claim.decision_note = actor, timezone.now(), message
    if not approve:
        claim.save()
        record_activity(actor=actor, verb=Verb.ACCOUNT_CLAIM_DECLINED, target=claim,
                        payload={"claimant": claim.claimant_id,
                                 "placeholder": claim.placeholder_id})
        record_audit(actor=actor, verb=Verb.ACCOUNT_CLAIM_DECLINED, target=claim)
        _tell_claimant(claim)
        return claim
    placeholder = User.objects.select_for_update().get(pk=claim.placeholder_id)
    claimant = User.objects.select_for_update().get(pk=claim.claimant_id)
    if not placeholder.is_claimable:
        raise Conflict(_("Someone has already claimed this account."), code="already_claimed")
    if not claimant.is_active:
        raise Conflict(_("The person who claimed this account can no longer sign in."),
                       code="claimant_inactive")
    claim.save()
    moved = merge_accounts(placeholder=placeholder, into=claimant)
    claim.placeholder, claim.claimant = placeholder, claimant
    record_activity(actor=actor, verb=Verb.ACCOUNT_CLAIMED, target=claim, payload={
        "claimant": claimant.pk, "placeholder": placeholder.pk,
        "placeholder_ref": placeholder.placeholder_ref, "moved": moved})
    record_audit(actor=actor, verb=Verb.ACCOUNT_CLAIMED, target=claim, details={
        "claimant": claimant.get_username(), "placeholder": placeholder.get_username()})
    _tell_claimant(claim)
    _decline_rivals(claim, actor)
    return claim


def _decline_rivals(approved: AccountClaim, actor) -> None:
    """Other people's claims on the same account cannot succeed any more."""
    note = _("Another claim on this account was approved.")
    rivals = (AccountClaim.objects.select_for_update().select_related("claimant", "placeholder")
              .filter(placeholder=approved.placeholder, status=ClaimStatus.PENDING))
    for claim in rivals:
        claim.status, claim.decided_by = ClaimStatus.DECLINED, actor
        claim.decided_at, claim.decision_note = timezone.now(), note
        claim.save()
        record_activity(actor=actor, verb=Verb.ACCOUNT_CLAIM_DECLINED, target=claim,
                        payload={"claimant": claim.claimant_id,
                                 "placeholder": claim.placeholder_id, "rival": approved.pk})
        _tell_claimant(claim)

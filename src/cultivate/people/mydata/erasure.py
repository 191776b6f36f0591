"""Erasing one's account: ask (a grace period follows), cancel (also by signing in), carry out
(by the clock once due, or at once by a platform admin, which is also what deleting a person in
/admin/ does). What carrying out changes is in `sweep`."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import record_activity
from cultivate.audit.actions import record_audit
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.i18n import language_of
from cultivate.core.mail import send_after_commit
from cultivate.people.models import ErasureMode, ErasureRequest, ErasureStatus, User
from cultivate.people.mydata import sweep
from cultivate.policy import Can

log = logging.getLogger(__name__)

ERASURE_REQUESTED = "account.erasure_requested"
ERASURE_CANCELLED = "account.erasure_cancelled"
ACCOUNT_ERASED = "account.erased"


def _data_url() -> str:
    return settings.SITE_URL + reverse("people:my-data")


def _refuse_if_only_convener(user: User) -> None:
    if names := sweep.only_convener_of(user):
        raise Conflict(
            _("You are the only convener of %(communities)s. Make someone else a convener "
              "there first (hand the community over), then ask again.")
            % {"communities": ", ".join(names)}, code="last_convener")


def _locked_pending(user: User) -> ErasureRequest | None:
    return (ErasureRequest.objects.select_for_update()
            .filter(user=user, status=ErasureStatus.PENDING).first())


@transaction.atomic
def do_request_erasure(*, actor, mode: str) -> ErasureRequest:
    """Ask for one's account to be erased after CULTIVATE_ERASURE_GRACE_DAYS days."""
    policy.check_account(actor, Can.ERASE_OWN_ACCOUNT, actor)
    if mode not in ErasureMode.values:
        message = choose_one_of(ErasureMode.values)
        raise ActionError(message, fields={"mode": [message]})
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if _locked_pending(actor) is not None:
        raise Conflict(_("You have already asked for your account to be erased."),
                       code="already_requested")
    _refuse_if_only_convener(actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                user=actor, mode=mode, requested_by=actor, requested_at=now,
                due_at=now + timedelta(days=settings.CULTIVATE_ERASURE_GRACE_DAYS))
    except IntegrityError as error:
        raise Conflict(_("You have already asked for your account to be erased."),
                       code="already_requested") from error
    record_activity(actor=actor, verb=ERASURE_REQUESTED, target=request, payload={"mode": mode})
    if actor.email:
        send_after_commit(to=[actor.email], template="people/email/erasure_requested",
                          context={"erasure": request, "person": actor,
                                   "data_url": _data_url()}, language=language_of(actor))
    return request


@transaction.atomic
def do_cancel_erasure(*, actor, by_signing_in: bool = False) -> ErasureRequest:
    """Cancel one's pending erasure (signing in during the grace period does this too)."""
    policy.check_account(actor, Can.ERASE_OWN_ACCOUNT, actor)
    request = _locked_pending(actor)
    if request is None:
        raise NotAllowed("no pending erasure request", hide=True)
    request.status, request.cancelled_at = ErasureStatus.CANCELLED, timezone.now()
    request.save(update_fields=["status", "cancelled_at"])
    record_activity(actor=actor, verb=ERASURE_CANCELLED, target=request,
                    payload={"by_signing_in": by_signing_in})
    if actor.email:
        send_after_commit(to=[actor.email], template="people/email/erasure_cancelled",
                          context={"person": actor, "by_signing_in": by_signing_in,
                                   "data_url": _data_url()}, language=language_of(actor))
    return request


def do_carry_out_erasure(*, actor, request: ErasureRequest) -> ErasureRequest:
    """Erase now, in one transaction. `actor` None is the clock (only once due); a platform
    admin may carry out a pending request at once."""
    if actor is not None:
        policy.check_account(actor, Can.SEE_ERASURE_REQUESTS)
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_pending:
            raise Conflict(_("This request was cancelled or carried out already."),
                           code="not_pending")
        if actor is None and request.due_at > timezone.now():
            raise Conflict(_("The grace period of this request has not ended."),
                           code="not_due")
        user = User.objects.select_for_update().get(pk=request.user_id)
        _refuse_if_only_convener(user)
        email, language = user.email, language_of(user)  # forget_person clears both
        counts = {}
        if request.mode == ErasureMode.DELETE:
            counts = sweep.delete_contributions(user)
        sweep.end_memberships(user)
        pseudonym = sweep.new_pseudonym()
        sweep.forget_person(user, pseudonym)
        request.status, request.done_at = ErasureStatus.DONE, timezone.now()
        request.pseudonym = pseudonym
        request.save(update_fields=["status", "done_at", "pseudonym"])
        record_activity(actor=user, verb=ACCOUNT_ERASED, target=request,
                        payload={"mode": request.mode, "by_admin": actor is not None, **counts})
        # For platform admins; it names the pseudonym only, never who the person was.
        record_audit(actor=actor, verb="account.erased",
                     details={"request": request.pk, "pseudonym": pseudonym,
                              "mode": request.mode, "by_admin": actor is not None, **counts})
        if email:
            send_after_commit(to=[email], template="people/email/erasure_done",
                              context={"erasure": request}, language=language)
    return request


def do_erase_account_now(*, actor, user: User, mode: str = ErasureMode.KEEP) -> ErasureRequest:
    """A platform admin erases an account at once (deleting a person in /admin/ comes here):
    their pending request if there is one, otherwise a new one in `mode`."""
    policy.check_account(actor, Can.SEE_ERASURE_REQUESTS)
    with transaction.atomic():
        request = _locked_pending(user)
        if request is None:
            if user.is_erased:
                raise Conflict(_("This account was erased already."), code="not_pending")
            request = ErasureRequest.objects.create(user=user, mode=mode, requested_by=actor,
                                                    due_at=timezone.now())
        return do_carry_out_erasure(actor=actor, request=request)


def carry_out_due_erasures() -> tuple[int, int]:
    """The clock's job: carry out every request whose grace period ended. Returns (done,
    refused); a refused one (its person became a community's only convener) stays pending,
    listed for the platform admins."""
    done = refused = 0
    due = ErasureRequest.objects.filter(status=ErasureStatus.PENDING, due_at__lte=timezone.now())
    for request in list(due.order_by("due_at")[:500]):
        try:
            do_carry_out_erasure(actor=None, request=request)
            done += 1
        except ActionError as error:
            refused += 1
            log.warning("erasure request %s not carried out: %s", request.pk, error.message)
    return done, refused

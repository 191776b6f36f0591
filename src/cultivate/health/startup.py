"""The start-up guide (Wenger's start-up guide, UNDP's CoP action plan): a new community's
convener goes through the charter, the case for membership, the first core group, a first plan
and a first event, one step at a time, and the step they are on is kept."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate import policy
from cultivate.communities.actions.charter import do_update_community
from cultivate.communities.actions.invitations import do_invite_member
from cultivate.communities.models import CASE_FIELDS, CHARTER_FIELDS, Invitation, Membership, Role
from cultivate.core.errors import ActionError
from cultivate.events.models import Event
from cultivate.health.models import Plan, StartupGuide
from cultivate.policy import Can

STEPS = (
    ("charter", gettext_lazy("Charter"),
     gettext_lazy("Name the domain, the community and the practice.")),
    ("case", gettext_lazy("Case for membership"),
     gettext_lazy("Why join, what we will do together, how it works.")),
    ("core", gettext_lazy("First core group"),
     gettext_lazy("Invite the three to ten people who will carry the community with you.")),
    ("plan", gettext_lazy("First plan"),
     gettext_lazy("One goal for the year and the activities that serve it.")),
    ("event", gettext_lazy("First event"),
     gettext_lazy("A first meeting, best a repeating one: rhythm builds a community.")),
)
STEP_KEYS = tuple(key for key, _name, _help in STEPS)
MAX_INVITES = 20


@dataclass
class Step:
    key: str
    name: str
    help: str
    done: bool
    skipped: bool
    current: bool


def _done(community) -> dict[str, bool]:
    roles = (Role.CORE, Role.FACILITATOR)
    return {
        "charter": all(getattr(community, field).strip() for field in CHARTER_FIELDS),
        "case": any(getattr(community, field).strip() for field in CASE_FIELDS),
        "core": (Membership.objects.filter(community=community, role__in=roles).exists()
                 or Invitation.objects.filter(community=community, role__in=roles).exists()),
        "plan": Plan.objects.filter(community=community).exists(),
        "event": Event.objects.filter(community=community).exists(),
    }


def guide_of(community) -> StartupGuide:
    guide, _created = StartupGuide.objects.get_or_create(community=community)
    return guide


def steps(community) -> tuple[StartupGuide, list[Step]]:
    """The guide with its step moved on past whatever is done or skipped."""
    guide = guide_of(community)
    done = _done(community)
    pending = [key for key in STEP_KEYS if not done[key] and key not in guide.skipped]
    step = pending[0] if pending else ""
    if step != guide.step or (not pending and guide.finished_at is None):
        guide.step = step
        guide.finished_at = guide.finished_at or (timezone.now() if not pending else None)
        guide.updated_at = timezone.now()
        guide.save()
    return guide, [Step(key, str(name), str(help_text), done[key], key in guide.skipped,
                        key == step) for key, name, help_text in STEPS]


def _check(actor, community) -> None:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)


@transaction.atomic
def do_skip(*, actor, community, step: str) -> None:
    _check(actor, community)
    if step not in STEP_KEYS:
        raise ActionError(_("No such step."), fields={"step": [_("No such step.")]})
    guide = guide_of(community)
    if step not in guide.skipped:
        guide.skipped = [*guide.skipped, step]
        guide.save(update_fields=["skipped"])


@transaction.atomic
def do_save_case(*, actor, community, values: dict):
    _check(actor, community)
    case = {field: str(values.get(field, "")) for field in CASE_FIELDS}
    if not case["case_why"].strip():
        raise ActionError(_("Please correct the marked fields."), fields={
            "case_why": [_("Answer at least why someone should join.")]})
    return do_update_community(actor=actor, community=community, **case)


def do_invite_core_group(*, actor, community, emails: str, message: str = "") -> int:
    """Invite each address (one per line or comma) to the core group; all or none."""
    _check(actor, community)
    addresses = [part.strip() for part in str(emails or "").replace(",", "\n").splitlines()
                 if part.strip()]
    if not addresses:
        raise ActionError(_("Please correct the marked fields."), fields={
            "emails": [_("Give at least one email address.")]})
    if len(addresses) > MAX_INVITES:
        raise ActionError(_("Please correct the marked fields."), fields={
            "emails": [_("At most %(max)d at a time.") % {"max": MAX_INVITES}]})
    with transaction.atomic():
        for address in addresses:
            try:
                do_invite_member(actor=actor, community=community, email=address,
                                 role=Role.CORE, message=message)
            except ActionError as error:
                details = " ".join(m for ms in error.fields.values() for m in ms)
                raise ActionError(_("Please correct the marked fields."), fields={
                    "emails": [f"{address}: {details or error.message}"]}) from error
    return len(addresses)

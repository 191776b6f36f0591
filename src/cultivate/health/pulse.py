"""Pulse surveys: four statements on a 5-point scale (passion for the domain, trust, value felt,
identification with the community) and one open question, sent by a steward to the members,
answered in the app or from the mail's link without signing in.

Answers are anonymous to everyone, platform admins included: the answer row has a random key
and no time, and the receipt that stops a second answer says only "this person answered this
survey". Results are shown as aggregates, and only from PULSE_MIN_ANSWERS answers.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate import policy
from cultivate.audit.actions import record_audit
from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.health.models import (
    MAX_OPEN_ANSWER,
    MAX_QUESTION,
    PulseAnswer,
    PulseReceipt,
    PulseSurvey,
)
from cultivate.health.thresholds import PULSE_MIN_ANSWERS
from cultivate.policy import Can

LINK_SALT = "cultivate.health.pulse"
DEFAULT_DAYS = 14
MAX_DAYS = 60
STATEMENTS = (
    ("passion", gettext_lazy("I care about what this community works on.")),
    ("trust", gettext_lazy("I can bring a problem or a mistake here without losing face.")),
    ("value_felt", gettext_lazy("Taking part is worth my time: it helps me in my work.")),
    ("identification", gettext_lazy("I feel part of this community.")),
)
SCALE = ((1, gettext_lazy("strongly disagree")), (2, gettext_lazy("disagree")),
         (3, gettext_lazy("neither")), (4, gettext_lazy("agree")),
         (5, gettext_lazy("strongly agree")))


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


@transaction.atomic
def do_send_pulse(*, actor, community, open_question: str = "",
                  days=DEFAULT_DAYS) -> PulseSurvey:
    """Open a survey for `days` and queue the invitations (task worker). One open survey at a
    time per community; a community with no one to ask is refused."""
    policy.check(policy.standing_of(actor, community), Can.SEND_PULSE, community)
    errors = {}
    question = _text(open_question) or str(PulseSurvey._meta.get_field("open_question")
                                            .get_default())
    if len(question) > MAX_QUESTION:
        errors["open_question"] = [_("Keep the question under %(max)d characters.") % {
            "max": MAX_QUESTION}]
    try:
        days = int(str(days).strip() or DEFAULT_DAYS)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = [_("Keep it open from 1 to %(max)d days.") % {"max": MAX_DAYS}]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    now = timezone.now()
    if PulseSurvey.objects.select_for_update().filter(community=community,
                                                      closes_at__gt=now).exists():
        raise Conflict(_("A pulse survey is open already: wait until it closes."),
                       code="pulse_open")
    recipients = Membership.objects.filter(community=community, user__is_active=True).count()
    if recipients < 2:
        raise ActionError(_("There is no one to ask yet: a pulse survey goes to the members, "
                            "and the community has none but you."),
                          fields={"open_question": [_("Invite members first.")]})
    survey = PulseSurvey.objects.create(community=community, open_question=question,
                                        sent_by=actor, recipients=recipients, opened_at=now,
                                        closes_at=now + timedelta(days=days))
    record_audit(actor=actor, verb="health.pulse_sent", target=community, community=community,
                 details={"survey": survey.pk, "recipients": recipients, "days": days})
    from cultivate.health.tasks import send_pulse_invitations

    transaction.on_commit(lambda: send_pulse_invitations.enqueue(survey.pk))
    return survey


def answer_token(survey: PulseSurvey, user) -> str:
    return signing.dumps([survey.pk, user.pk], salt=LINK_SALT)


def read_answer_token(token: str):
    """(survey, user) for a link we signed, while the survey is open; NotAllowed otherwise."""
    from cultivate.people.models import User

    try:
        survey_id, user_id = signing.loads(str(token)[:300], salt=LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotAllowed("no such survey", hide=True) from None
    survey = PulseSurvey.objects.select_related("community").filter(pk=survey_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if survey is None or user is None:
        raise NotAllowed("no such survey", hide=True)
    return survey, user


def answer_url(survey: PulseSurvey, user) -> str:
    return settings.SITE_URL + reverse("health:pulse-link",
                                       kwargs={"token": answer_token(survey, user)})


def has_answered(survey: PulseSurvey, user) -> bool:
    return PulseReceipt.objects.filter(survey=survey, user=user).exists()


def _scale(values: dict, field: str, errors: dict) -> int | None:
    raw = _text(values.get(field))
    if raw not in {str(value) for value, _label in SCALE}:
        errors[field] = [_("Choose a point on the scale from 1 to 5.")]
        return None
    return int(raw)


@transaction.atomic
def do_answer_pulse(*, actor, survey: PulseSurvey, values: dict) -> None:
    """Store one anonymous answer and the receipt that stops a second one."""
    community = survey.community
    policy.check(policy.standing_of(actor, community), Can.ANSWER_PULSE, community)
    if not survey.is_open:
        raise Conflict(_("This survey has closed. Thank you all the same."), code="closed")
    errors: dict = {}
    scores = {field: _scale(values, field, errors) for field, _label in STATEMENTS}
    open_answer = _text(values.get("open_answer"))
    if len(open_answer) > MAX_OPEN_ANSWER:
        errors["open_answer"] = [_("Keep this under %(max)d characters.") % {
            "max": MAX_OPEN_ANSWER}]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    try:
        with transaction.atomic():
            PulseReceipt.objects.create(survey=survey, user=actor)
    except IntegrityError:
        raise Conflict(_("You have answered this survey already."), code="answered") from None
    PulseAnswer.objects.create(survey=survey, open_answer=open_answer, **scores)


def results(survey: PulseSurvey) -> dict:
    """Aggregates of a survey: shown only from PULSE_MIN_ANSWERS answers."""
    answers = list(PulseAnswer.objects.filter(survey=survey).values(
        *[field for field, _label in STATEMENTS], "open_answer"))
    count = len(answers)
    if count < PULSE_MIN_ANSWERS:
        return {"count": count, "shown": False, "needed": PULSE_MIN_ANSWERS}
    rows = []
    for field, label in STATEMENTS:
        given = [a[field] for a in answers if a[field] is not None]
        rows.append({"key": field, "statement": str(label),
                     "average": round(sum(given) / len(given), 2) if given else None,
                     "distribution": [sum(1 for v in given if v == point)
                                      for point, _l in SCALE]})
    texts = sorted(a["open_answer"] for a in answers if a["open_answer"])  # no answer order
    return {"count": count, "shown": True, "statements": rows, "open_answers": texts,
            "response_rate": round(100 * count / survey.recipients, 1)
            if survey.recipients else None}

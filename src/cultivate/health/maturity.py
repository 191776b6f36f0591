"""The maturity self-assessment: a rubric of seven dimensions, each with five level
descriptions, rated by the stewards (and, when they invite it, the core group), averaged, and
repeated over time so assessments can be compared on a radar chart."""

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate import policy
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.health.models import MaturityAssessment, MaturityRating
from cultivate.policy import Can, Standing

LEVELS = (gettext_lazy("emerging"), gettext_lazy("developing"), gettext_lazy("established"),
          gettext_lazy("advanced"), gettext_lazy("leading"))
DIMENSIONS = (
    ("domain", gettext_lazy("Domain clarity"), (
        gettext_lazy("The topic is vague; people are not sure what the community is about."),
        gettext_lazy("A charter names the domain; members read it differently."),
        gettext_lazy("Members share a clear sense of the domain and its key questions."),
        gettext_lazy("The domain guides what the community takes on and turns down."),
        gettext_lazy("The community shapes how its organisations see the domain."))),
    ("community", gettext_lazy("Community and leadership"), (
        gettext_lazy("A convener carries it alone; members hardly know each other."),
        gettext_lazy("A few people help; relationships are forming."),
        gettext_lazy("A core group shares the work; members know whom to ask."),
        gettext_lazy("Leadership is distributed and renews itself; trust is high."),
        gettext_lazy("New leaders grow from the periphery; the community mentors others."))),
    ("practice", gettext_lazy("Practice and its documentation"), (
        gettext_lazy("Conversations happen; little is written down."),
        gettext_lazy("Some good answers and resources are kept, hard to find."),
        gettext_lazy("Methods and resources are curated and used."),
        gettext_lazy("The repertoire is reviewed and improved from use."),
        gettext_lazy("The community's methods are the reference beyond it."))),
    ("rhythm", gettext_lazy("Rhythm"), (
        gettext_lazy("Activity comes in bursts, then silence."),
        gettext_lazy("Occasional events; no regular beat."),
        gettext_lazy("A regular cycle of events and conversation."),
        gettext_lazy("The rhythm mixes formats and suits members' work."),
        gettext_lazy("The rhythm adapts with the community's stage and needs."))),
    ("value", gettext_lazy("Value and evaluation"), (
        gettext_lazy("Value is assumed, not looked at."),
        gettext_lazy("Activity is counted."),
        gettext_lazy("Indicators and stories show value in several cycles."),
        gettext_lazy("Value-creation evidence guides the plan."),
        gettext_lazy("Realized and reframing value are shown and recognised."))),
    ("sponsorship", gettext_lazy("Sponsorship"), (
        gettext_lazy("No sponsor, or one who does not know the community."),
        gettext_lazy("A sponsor funds it but is distant."),
        gettext_lazy("The sponsor reviews a plan and its results with the conveners."),
        gettext_lazy("The sponsor removes obstacles and connects the community to strategy."),
        gettext_lazy("The organisation counts on the community for its learning."))),
    ("technology", gettext_lazy("Technology"), (
        gettext_lazy("Scattered tools; people miss what happens."),
        gettext_lazy("One place exists; few use it."),
        gettext_lazy("Members use the platform for conversation, events and resources."),
        gettext_lazy("Tools fit the rhythm: mail, live sessions, a library, insights."),
        gettext_lazy("Technology is hardly noticed: it just supports the practice."))),
)
DIMENSION_KEYS = tuple(key for key, _name, _levels in DIMENSIONS)
MAX_LABEL = 80
MAX_NOTE = 1000


@transaction.atomic
def do_open_assessment(*, actor, community, label: str = "",
                       include_core: bool = False) -> MaturityAssessment:
    """Open a round of the self-assessment (stewards). One open round at a time."""
    policy.check(policy.standing_of(actor, community), Can.ASSESS_MATURITY, community)
    label = str(label or "").replace("\x00", "").strip() or timezone.now().strftime("%Y-%m")
    if len(label) > MAX_LABEL:
        raise ActionError(_("Please correct the marked fields."), fields={"label": [
            _("Keep the name under %(max)d characters.") % {"max": MAX_LABEL}]})
    if MaturityAssessment.objects.select_for_update().filter(
            community=community, closed_at__isnull=True).exists():
        raise Conflict(_("An assessment is open: close it before starting another."),
                       code="assessment_open")
    return MaturityAssessment.objects.create(community=community, label=label,
                                             include_core=bool(include_core), opened_by=actor)


def may_rate(standing, assessment) -> bool:
    verbs = policy.allowed(standing, assessment.community)
    return assessment.closed_at is None and (
        Can.ASSESS_MATURITY in verbs or (assessment.include_core and standing == Standing.CORE))


@transaction.atomic
def do_rate(*, actor, assessment: MaturityAssessment, values: dict) -> int:
    """Save the actor's levels (1-5) for every dimension, with optional notes; a second
    rating replaces the first. Returns the number of dimensions rated."""
    standing = policy.standing_of(actor, assessment.community)
    if not may_rate(standing, assessment):
        if assessment.closed_at is not None:
            raise Conflict(_("This assessment is closed."), code="assessment_closed")
        raise NotAllowed("not a rater of this assessment")
    errors, rows = {}, []
    for key in DIMENSION_KEYS:
        raw = str(values.get(key, "")).strip()
        note = str(values.get(f"{key}_note", "") or "").replace("\x00", "").strip()
        if raw not in {"1", "2", "3", "4", "5"}:
            errors[key] = [_("Choose a level from 1 to 5.")]
        if len(note) > MAX_NOTE:
            errors[f"{key}_note"] = [_("Keep this under %(max)d characters.") % {
                "max": MAX_NOTE}]
        if key not in errors:
            rows.append(MaturityRating(assessment=assessment, user=actor, dimension=key,
                                       level=int(raw), note=note))
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    MaturityRating.objects.filter(assessment=assessment, user=actor).delete()
    try:
        MaturityRating.objects.bulk_create(rows)
    except IntegrityError as error:  # two submissions at once
        raise Conflict(_("Your rating was saved twice at once; reload and check it."),
                       code="rated_twice") from error
    return len(rows)


def do_close_assessment(*, actor, assessment: MaturityAssessment) -> MaturityAssessment:
    policy.check(policy.standing_of(actor, assessment.community), Can.ASSESS_MATURITY,
                 assessment.community)
    if assessment.closed_at is None:
        if not MaturityRating.objects.filter(assessment=assessment).exists():
            raise ActionError(_("Nobody has rated yet: rate it first, or leave it open."),
                              fields={"assessment": [_("No ratings.")]})
        assessment.closed_at = timezone.now()
        assessment.save(update_fields=["closed_at"])
    return assessment


def averages(assessments) -> dict[int, dict]:
    """assessment id -> {dimension: average level, "raters": n} in one query."""
    found: dict[int, dict] = {a.pk: {} for a in assessments}
    rows = (MaturityRating.objects.filter(assessment__in=list(found))
            .values("assessment_id", "dimension")
            .annotate(average=Avg("level"), raters=Count("user", distinct=True)).order_by())
    for row in rows:
        entry = found[row["assessment_id"]]
        entry[row["dimension"]] = round(float(row["average"]), 2)
        entry["raters"] = max(entry.get("raters", 0), row["raters"])
    return found

"""Community health in the demo landscape, planted through the actions like everything else:
Budget Reform Practitioners has a weekly case clinic with attendance and feedback, a plan for
the year, two maturity assessments a year apart, a pulse survey with answers and a stage
history; Public Internal Audit has gone quiet and is visibly at risk once the job has run."""

from datetime import timedelta

from django.utils import timezone

from cultivate.communities.models import Community, StageChange
from cultivate.events import actions as events
from cultivate.events import attendance, recurrence
from cultivate.events.models import Event
from cultivate.formats.models import LearningFormat
from cultivate.health import maturity, plans
from cultivate.health.models import MaturityAssessment, Plan, PulseAnswer, PulseSurvey

BUDGET, AUDIT = "budget-reform", "public-internal-audit"
CLINIC = "Tuesday case clinic"
ATTENDEES = ("milica", "elena", "aigerim", "tamar", "fatima", "aibek", "james")
PULSE_ANSWERS = (  # passion, trust, value felt, identification, open answer
    (5, 4, 4, 5, "More peer reviews of budget circulars, please."),
    (5, 3, 4, 4, "Russian versions of the templates would help my colleagues."),
    (4, 4, 5, 4, ""),
    (4, 2, 3, 3, "I hesitate to bring a failed reform: it is hard in front of donors."),
    (5, 4, 4, 4, "The Tuesday clinics are the best hour of my week."),
    (3, 3, 3, 3, ""),
)


def _format(slug: str) -> str:
    """The slug when the catalogue has it (an emptied catalogue must not stop the demo)."""
    return slug if LearningFormat.objects.filter(slug=slug).exists() else ""


DEMO_ORDER = 80


def plant(people: dict) -> int:
    budget = Community.objects.filter(slug=BUDGET).first()
    audit = Community.objects.filter(slug=AUDIT).first()
    if budget is None or Plan.objects.filter(community=budget).exists():
        return 0
    convener, facilitator = people["anahit"], people["aibek"]
    _stage_history(budget, convener)
    _clinic_series(budget, facilitator, people)
    _plan(budget, convener, people)
    _maturity(budget, convener, facilitator)
    _pulse(budget, convener, people)
    if audit is not None:
        _gone_quiet(audit)
    return 1


def _stage_history(budget, convener) -> None:
    now = timezone.now()
    StageChange.objects.filter(community=budget).update(changed_at=now - timedelta(days=1400),
                                                        to_stage="potential")
    for days, before, after, why in (
            (1100, "potential", "coalescing", "First three clinics held; twelve ministries "
                                              "asked to join."),
            (700, "coalescing", "maturing", "A core group of five runs the clinics; the "
                                            "library has forty resources."),
            (120, "maturing", "stewardship", "Two new conveners took over from the founders; "
                                             "guests from Africa joined the plenary.")):
        StageChange.objects.create(community=budget, from_stage=before, to_stage=after,
                                   reason=why, changed_by=convener,
                                   changed_at=now - timedelta(days=days))


def _clinic_series(budget, facilitator, people) -> None:
    """Every Tuesday 10:00 in Almaty since ten weeks ago, until six months from now, with
    attendance at the past dates and feedback from some who came."""
    zone = "Asia/Almaty"
    today = timezone.now().astimezone(recurrence.zoneinfo_of(zone)).date()
    first_day = today - timedelta(weeks=10, days=(today.weekday() - 1) % 7)
    event = events.do_plan_event(
        actor=facilitator, community=budget, title=CLINIC,
        description="One member brings a live reform question; the group works on it for an "
                    "hour. Bring your own or come to help.",
        starts_at=f"{first_day.isoformat()}T10:00", ends_at=f"{first_day.isoformat()}T11:00",
        time_zone=zone, online_url="https://meet.example.org/tuesday-clinic",
        learning_format=_format("case-clinics") or None, repeats="weekly",
        repeat_until=today + timedelta(weeks=26))
    dates = recurrence.occurrences(event)
    skipped = dates[4]  # the plenary week
    events.do_change_occurrence(actor=facilitator, event=event,
                                occurrence=skipped.original_start, skip=True)
    event = Event.objects.get(pk=event.pk)
    now = timezone.now()
    past = [d for d in recurrence.occurrences(event) if d.ends_at < now]
    for index, occurrence in enumerate(past):
        present = [people[name].pk for name in ATTENDEES[: 3 + index % 4]]
        attendance.do_record_attendance(actor=facilitator, event=event,
                                        occurrence=occurrence.original_start, present=present)
    if past:
        last = past[-1].original_start
        attendance.do_give_feedback(actor=people["milica"], event=event, occurrence=last,
                                    usefulness=5,
                                    will_apply="The sequencing of the program structure: "
                                               "pilot ministries first.")
        attendance.do_give_feedback(actor=people["elena"], event=event, occurrence=last,
                                    usefulness=4)


def _plan(budget, convener, people) -> None:
    year = timezone.localdate().year
    plan = plans.do_start_plan(actor=convener, community=budget, values={
        "title": f"Plan {year}: from clinics to reforms", "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "goal_title": "Members apply what they learn in their own reforms",
        "goal_indicator": "applied", "goal_target": "40 applied records, 10 with a difference"})
    goal = plan.goals.get()
    for title, fmt, owner, cadence, status in (
            ("Weekly case clinic", "case-clinics", "aibek", "weekly", "under_way"),
            ("Peer review of two budget circulars", "peer-assist", "elena", "quarterly",
             "planned"),
            ("After-action review of the plenary", "after-action-review", "anahit", "once",
             "done")):
        plans.do_add_activity(actor=convener, goal=goal, values={
            "title": title, "learning_format": _format(fmt), "owner": people[owner].pk,
            "starts_on": f"{year}-01-15", "cadence": cadence, "status": status})
    second = plans.do_add_goal(actor=convener, plan=plan, values={
        "title": "Newcomers find their place", "indicator": "moved_inwards",
        "target": "15 members more active by December"})
    plans.do_add_activity(actor=convener, goal=second, values={
        "title": "Buddy each newcomer with a core member",
        "learning_format": _format("follow-the-leader"),
        "owner": people["elena"].pk, "cadence": "monthly", "status": "under_way"})


def _maturity(budget, convener, facilitator) -> None:
    now = timezone.now()
    for label, age_days, levels in (
            ("Last year", 365, {"domain": 3, "community": 2, "practice": 2, "rhythm": 2,
                                "value": 1, "sponsorship": 3, "technology": 2}),
            ("This year", 7, {"domain": 4, "community": 3, "practice": 3, "rhythm": 4,
                              "value": 3, "sponsorship": 3, "technology": 4})):
        round_ = maturity.do_open_assessment(actor=convener, community=budget, label=label)
        for rater, bump in ((convener, 0), (facilitator, -1)):
            maturity.do_rate(actor=rater, assessment=round_, values={
                key: str(max(1, level + bump * (key in ("value", "practice"))))
                for key, level in levels.items()})
        maturity.do_close_assessment(actor=convener, assessment=round_)
        MaturityAssessment.objects.filter(pk=round_.pk).update(
            opened_at=now - timedelta(days=age_days),
            closed_at=now - timedelta(days=age_days - 5))


def _pulse(budget, convener, people) -> None:
    """A survey that ran last month, answered by six members (planted directly: the demo
    sends no invitations)."""
    now = timezone.now()
    survey = PulseSurvey.objects.create(
        community=budget, sent_by=convener, recipients=budget.member_count or 10,
        opened_at=now - timedelta(days=30), closes_at=now - timedelta(days=16))
    for name, (passion, trust, felt, identity, text) in zip(ATTENDEES, PULSE_ANSWERS,
                                                            strict=False):
        survey.receipts.create(user=people[name])
        PulseAnswer.objects.create(survey=survey, passion=passion, trust=trust,
                                   value_felt=felt, identification=identity, open_answer=text)


def _gone_quiet(audit) -> None:
    """Started three years ago and quiet since: the job finds no events, little conversation
    and no core group to speak of."""
    Community.objects.filter(pk=audit.pk).update(
        created_at=timezone.now() - timedelta(days=3 * 365))
    StageChange.objects.filter(community=audit).update(
        changed_at=timezone.now() - timedelta(days=2 * 365))

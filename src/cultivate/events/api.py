"""JSON routes of events over the same actions and queries as the pages."""

from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.communities.queries import in_community
from cultivate.core.api_schemas import Person
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.paging import page_of
from cultivate.events import actions, attendance, calendars, queries, recurrence
from cultivate.events.models import Answer
from cultivate.policy import Can

router = Router(tags=["events"])


class FormatOut(Schema):
    slug: str
    name: str


class MyAnswerOut(Schema):
    answer: str = Field(description="going, maybe or not_going")
    waitlisted: bool
    waitlist_position: int | None = Field(description="From 1, when on the waiting list.")


class OccurrenceOut(Schema):
    key: str = Field(description="Its original start in UTC (20270112T090000Z): pass it as "
                                 "`at` or `occurrence`.")
    starts_at: datetime
    ends_at: datetime
    changed: bool = Field(description="Moved from the series' usual time.")
    cancelled: bool


class EventOut(Schema):
    id: int
    community: str
    title: str
    description: str
    description_html: str
    agenda: str
    agenda_html: str
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    time_zone: str = Field(description="The zone the event is planned in (IANA name).")
    starts_at_local: str = Field(description="The start as a wall-clock time in time_zone.")
    ends_at_local: str
    online_url: str
    venue: str
    capacity: int | None = Field(description="None: no limit.")
    going: int
    maybe: int
    waiting: int
    places_left: int | None
    learning_format: FormatOut | None
    cancelled: bool
    cancelled_at: datetime | None
    is_past: bool
    sequence: int = Field(description="Grows with every change a calendar shows.")
    notes: str
    notes_html: str
    outputs: str
    outputs_html: str
    recording_url: str
    my_answer: MyAnswerOut | None = Field(description="The caller's answer (signed in).")
    created_by: Person | None
    html_url: str
    ics_url: str = Field(description="This event as an iCalendar file.")
    feed_url: str = Field(description="The community's calendar feed (non-public "
                                      "communities: add ?token= with your personal token).")
    repeats: str = Field("", description="'', weekly, biweekly or monthly (the n-th weekday "
                                         "of the first date).")
    repeat_until: date | None = Field(None, description="The series' last date, in its zone.")
    recurrence: str = Field("", description="The RFC 5545 rule (RRULE value).")
    occurrence: OccurrenceOut | None = Field(
        None, description="For a repeating event: the occurrence the numbers and my_answer "
                          "are about (the next one unless ?at= says).")


class EventPage(Schema):
    items: list[EventOut]
    count: int
    page: int
    pages: int


class EventQuery(Schema):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming", description="upcoming (soonest first), past (latest first) or all.")
    page: int = 1


class EventIn(Schema):
    """A new event. Times without an offset are wall-clock times in time_zone."""

    model_config = ConfigDict(extra="forbid")

    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="IANA name, such as Europe/Paris.")
    description: str = ""
    agenda: str = ""
    online_url: str = ""
    venue: str = ""
    capacity: int | None = None
    learning_format: str | None = Field(None, description="A catalogue format's slug.")
    repeats: Literal["", "weekly", "biweekly", "monthly"] = ""
    repeat_until: date | None = Field(None, description="Needed when it repeats.")


class EventChange(Schema):
    """What to change; left out: unchanged."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = None
    description: str | None = None
    agenda: str | None = None
    online_url: str | None = None
    venue: str | None = None
    capacity: int | None = Field(None, description="null in the body: no limit.")
    learning_format: str | None = Field(None, description="A slug; null or '' for none.")
    repeats: Literal["", "weekly", "biweekly", "monthly"] | None = None
    repeat_until: date | None = None


class RsvpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["going", "maybe", "not_going"]
    occurrence: str = Field("", description="A repeating event's occurrence key; the next "
                                            "one when left out.")


class OccurrenceChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    occurrence: str = Field(description="The occurrence's key.")
    change: Literal["move", "skip", "restore"]
    starts_at: datetime | None = Field(None, description="For move: wall-clock time in the "
                                                         "event's zone.")
    ends_at: datetime | None = None


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    occurrence: str = Field("", description="The occurrence's key (repeating events).")
    present: list[int] = Field(default_factory=list, description="User ids to tick.")
    absent: list[int] = Field(default_factory=list, description="User ids to untick.")


class AttendanceOut(Schema):
    occurrence: str
    check_in_code: str
    present: list[Person]


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str
    occurrence: str = ""


class FeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    occurrence: str = ""
    usefulness: int = Field(description="1 (not useful) to 5 (very useful).")
    will_apply: str = ""


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    notes: str | None = None
    outputs: str | None = None
    recording_url: str | None = None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def _occurrence(item) -> dict | None:
    if item is None:
        return None
    return {"key": item.key, "starts_at": item.starts_at, "ends_at": item.ends_at,
            "changed": item.changed, "cancelled": item.cancelled}


def _out(event, user, *, feed_url: str, occurrence=None) -> dict:
    zone = event.zone
    mine = queries.my_answer(event, user) if policy.is_signed_in(user) else None
    fmt = event.learning_format
    return {
        "id": event.pk, "community": event.community.slug, "title": event.title,
        "description": event.description, "description_html": event.description_html,
        "agenda": event.agenda, "agenda_html": event.agenda_html,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "time_zone": event.time_zone,
        "starts_at_local": event.starts_at.astimezone(zone).replace(tzinfo=None).isoformat(),
        "ends_at_local": event.ends_at.astimezone(zone).replace(tzinfo=None).isoformat(),
        "online_url": event.online_url, "venue": event.venue, "capacity": event.capacity,
        "going": event.going_count, "maybe": event.maybe_count, "waiting": event.waiting_count,
        "places_left": queries.places_left(event),
        "learning_format": {"slug": fmt.slug, "name": fmt.name} if fmt else None,
        "cancelled": event.is_cancelled, "cancelled_at": event.cancelled_at,
        "is_past": event.is_past, "sequence": event.sequence,
        "notes": event.notes, "notes_html": event.notes_html, "outputs": event.outputs,
        "outputs_html": event.outputs_html, "recording_url": event.recording_url,
        "my_answer": {"answer": mine.answer, "waitlisted": mine.waitlisted,
                      "waitlist_position": mine.position} if mine else None,
        "created_by": _person(event.created_by),
        "html_url": settings.SITE_URL + event.get_absolute_url(),
        "ics_url": settings.SITE_URL + event.get_ics_url(), "feed_url": feed_url,
        "repeats": event.repeats, "repeat_until": event.repeat_until,
        "recurrence": event.recurrence, "occurrence": _occurrence(occurrence)}


def _key(event, key: str):
    """The original start named by an occurrence key; 404 when the series lacks it."""
    if not key:
        return None
    moment = recurrence.parse_occurrence_key(key)
    if moment is None or recurrence.find(event, moment) is None:
        raise NotAllowed("no such occurrence", hide=True)
    return moment


def _fresh(request, event_id, at: str = "") -> dict:
    event, _standing = queries.access_event(request.user, event_id)
    occurrence = None
    if event.is_repeating:
        moment = _key(event, at) if at else actions.which_occurrence_or_none(event)
        if moment is not None:
            occurrence = recurrence.find(event, moment)
            queries.at_occurrence(event, moment, request.user)
    return _out(event, request.user, feed_url=calendars.community_feed_url(event.community),
                occurrence=occurrence)


@router.get("/communities/{slug}/events", response=EventPage,
            summary="A community's events: upcoming (soonest first) or past (latest first)")
def list_events(request: HttpRequest, slug: str, params: Query[EventQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    found = queries.community_events(community, when=params.when, user=request.user)
    found = found.select_related("created_by")
    page = page_of(found, params.page, queries.PAST_PER_PAGE)
    feed_url = calendars.community_feed_url(community)
    return page.body([_out(event, request.user, feed_url=feed_url)
                      for event in in_community(page.rows, community)])


@router.post("/communities/{slug}/events", response={201: EventOut},
             summary="Plan an event (facilitators and conveners)")
def plan_event(request: HttpRequest, slug: str, payload: EventIn):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN_EVENTS)
    event = actions.do_plan_event(actor=request.user, community=community, **payload.dict())
    return Status(201, _fresh(request, event.pk))


class AtQuery(Schema):
    at: str = Field("", description="A repeating event's occurrence key.")


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: int, params: Query[AtQuery]):
    return _fresh(request, event_id, params.at)


@router.get("/events/{event_id}/occurrences", response=list[OccurrenceOut],
            summary="A repeating event's dates in a window (default: the next 90 days)")
def list_occurrences(request: HttpRequest, event_id: int, since: datetime | None = None,
                     until: datetime | None = None):
    event, _standing = queries.access_event(request.user, event_id)
    since = since or timezone.now()
    until = until or since + timedelta(days=90)
    if until < since or until - since > timedelta(days=3 * 366):
        raise ActionError(_("Please correct the marked fields."),
                          fields={"until": [_("Ask for at most three years after `since`.")]})
    return [_occurrence(item) for item in recurrence.occurrences(event, since=since,
                                                                 until=until)]


@router.post("/events/{event_id}/occurrences", response=EventOut,
             summary="Move, skip or restore one date of a series (stewards)")
def change_occurrence(request: HttpRequest, event_id: int, payload: OccurrenceChangeIn):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    moment = recurrence.parse_occurrence_key(payload.occurrence)
    actions.do_change_occurrence(
        actor=request.user, event=event, occurrence=moment,
        starts_at=payload.starts_at.replace(tzinfo=None) if payload.starts_at else None,
        ends_at=payload.ends_at.replace(tzinfo=None) if payload.ends_at else None,
        skip=payload.change == "skip", restore=payload.change == "restore")
    return _fresh(request, event_id)


def _attendance(event, original) -> dict:
    from cultivate.events.models import Attendance

    present = (Attendance.objects.filter(event=event, occurrence=original)
               .select_related("user").order_by("user__username"))
    return {"occurrence": recurrence.occurrence_key(original),
            "check_in_code": attendance.check_in_code(event, original),
            "present": [_person(row.user) for row in present]}


@router.get("/events/{event_id}/attendance", response=AttendanceOut,
            summary="Who was at an occurrence, and its check-in code (stewards)")
def get_attendance(request: HttpRequest, event_id: int, params: Query[AtQuery]):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.RECORD_ATTENDANCE, event.community)
    original, _item = attendance.occurrence_of(event, _key(event, params.at))
    return _attendance(event, original)


@router.put("/events/{event_id}/attendance", response=AttendanceOut,
            summary="Tick and untick members on an occurrence's check-in list (stewards)")
def record_attendance(request: HttpRequest, event_id: int, payload: AttendanceIn):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.RECORD_ATTENDANCE, event.community)
    original, _item = attendance.occurrence_of(event, _key(event, payload.occurrence))
    attendance.do_record_attendance(actor=request.user, event=event, occurrence=original,
                                    present=payload.present, absent=payload.absent)
    return _attendance(event, original)


@router.post("/events/{event_id}/check-in", response={204: None},
             summary="Check yourself in with the code shown in the room (members)")
def check_in(request: HttpRequest, event_id: int, payload: CheckInIn):
    event, _standing = queries.access_event(request.user, event_id)
    attendance.do_check_in(actor=request.user, event=event, code=payload.code,
                           occurrence=_key(event, payload.occurrence))
    return Status(204, None)


@router.put("/events/{event_id}/feedback", response={204: None},
            summary="Say how useful an occurrence was and what you will apply (attendees)")
def give_feedback(request: HttpRequest, event_id: int, payload: FeedbackIn):
    event, _standing = queries.access_event(request.user, event_id)
    attendance.do_give_feedback(actor=request.user, event=event,
                                occurrence=_key(event, payload.occurrence),
                                usefulness=payload.usefulness, will_apply=payload.will_apply)
    return Status(204, None)


@router.patch("/events/{event_id}", response=EventOut,
              summary="Change an event (facilitators and conveners)")
def change_event(request: HttpRequest, event_id: int, payload: EventChange):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ActionError(_("Say what to change."), fields={"title": [_("Nothing to change.")]})
    for name in ("title", "starts_at", "ends_at", "time_zone"):
        if name in changes and changes[name] is None:
            raise ActionError(_("Please correct the marked fields."),
                              fields={name: [_("This field cannot be empty.")]})
    for name in ("description", "agenda", "online_url", "venue"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    actions.do_change_event(actor=request.user, event=event, **changes)
    return _fresh(request, event_id)


@router.post("/events/{event_id}/cancel", response=EventOut,
             summary="Cancel an event: it stays listed, marked cancelled")
def cancel_event(request: HttpRequest, event_id: int):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    actions.do_cancel_event(actor=request.user, event=event)
    return _fresh(request, event_id)


@router.put("/events/{event_id}/rsvp", response=EventOut,
            summary="Say whether you are coming (members); when full, going joins the "
                    "waiting list")
def rsvp(request: HttpRequest, event_id: int, payload: RsvpIn):
    event, _standing = queries.access_event(request.user, event_id)
    moment = _key(event, payload.occurrence) if event.is_repeating else None
    rsvp = actions.do_rsvp(actor=request.user, event=event, answer=Answer(payload.answer),
                           occurrence=moment)
    at = recurrence.occurrence_key(rsvp.occurrence) if rsvp.occurrence else ""
    return _fresh(request, event_id, at)


@router.put("/events/{event_id}/outcome", response=EventOut,
            summary="Record notes, outputs and a recording link (stewards, once started)")
def record_outcome(request: HttpRequest, event_id: int, payload: OutcomeIn):
    event, standing = queries.access_event(request.user, event_id)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    actions.do_record_event_outcome(request.user, event, **payload.dict(exclude_unset=True))
    return _fresh(request, event_id)


@router.get("/me/calendar", summary="Your personal calendar feed address (secret)")
def my_calendar(request: HttpRequest):
    feed = actions.do_ensure_calendar_feed(actor=request.user)
    return {"feed_url": calendars.personal_feed_url(feed.token)}


@router.post("/me/calendar", summary="A new personal calendar address; the old one stops")
def regenerate_my_calendar(request: HttpRequest):
    feed = actions.do_regenerate_calendar_feed(actor=request.user)
    return {"feed_url": calendars.personal_feed_url(feed.token)}

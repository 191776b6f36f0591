"""JSON routes of events over the same actions and queries as the pages."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.communities.queries import in_community
from cultivate.core.api_schemas import Person
from cultivate.core.errors import ActionError
from cultivate.core.paging import page_of
from cultivate.events import actions, calendars, queries
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


class RsvpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["going", "maybe", "not_going"]


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    notes: str | None = None
    outputs: str | None = None
    recording_url: str | None = None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def _out(event, user, *, feed_url: str) -> dict:
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
        "ics_url": settings.SITE_URL + event.get_ics_url(), "feed_url": feed_url}


def _fresh(request, event_id) -> dict:
    event, _standing = queries.access_event(request.user, event_id)
    return _out(event, request.user, feed_url=calendars.community_feed_url(event.community))


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


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: int):
    return _fresh(request, event_id)


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
    actions.do_rsvp(actor=request.user, event=event, answer=Answer(payload.answer))
    return _fresh(request, event_id)


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

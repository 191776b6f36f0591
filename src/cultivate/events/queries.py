"""Read paths of events shared by the pages, the API and the calendars, with fixed query
counts: places taken, waiting and "maybe" come as subqueries of the event row, and so does the
reader's own answer."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.events import recurrence
from cultivate.events.models import Answer, CalendarFeed, Event, Rsvp
from cultivate.formats.models import CommunityFormat, LearningFormat
from cultivate.policy import Can

MAX_ID = 2**63 - 1
PAST_PER_PAGE = 30
GOING_SHOWN = 100
WHEN = ("upcoming", "past", "all")


def _count(**filters) -> Coalesce:
    rows = (Rsvp.objects.filter(event=OuterRef("pk"), occurrence__isnull=True, **filters)
            .order_by()
            .values("event").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_numbers(events: QuerySet[Event], user=None) -> QuerySet[Event]:
    """Events with going_count, waiting_count, maybe_count and, for a signed-in reader, their
    own my_answer and my_waitlisted (None when they have not answered). A repeating event's
    numbers are per occurrence: `at_occurrence` sets them for one."""
    events = events.annotate(
        going_count=_count(answer=Answer.GOING, waitlisted=False),
        waiting_count=_count(answer=Answer.GOING, waitlisted=True),
        maybe_count=_count(answer=Answer.MAYBE))
    if policy.is_signed_in(user):
        mine = Rsvp.objects.filter(event=OuterRef("pk"), user=user, occurrence__isnull=True)
        events = events.annotate(my_answer=Subquery(mine.values("answer")[:1]),
                                 my_waitlisted=Subquery(mine.values("waitlisted")[:1]))
    return events


def at_occurrence(event: Event, occurrence, user=None) -> Event:
    """Set a repeating event's numbers and the reader's answer to those of one occurrence
    (two queries)."""
    counts = _pairs(event, occurrence)
    event.going_count = counts.get((Answer.GOING, False), 0)
    event.waiting_count = counts.get((Answer.GOING, True), 0)
    event.maybe_count = sum(n for (answer, _w), n in counts.items() if answer == Answer.MAYBE)
    event.my_answer = event.my_waitlisted = None
    if policy.is_signed_in(user):
        mine = Rsvp.objects.filter(event=event, occurrence=occurrence, user=user).first()
        if mine is not None:
            event.my_answer, event.my_waitlisted = mine.answer, mine.waitlisted
    event.occurrence = occurrence
    return event


def _pairs(event, occurrence) -> dict:
    rows = (Rsvp.objects.filter(event=event, occurrence=occurrence).order_by()
            .values("answer", "waitlisted").annotate(n=Count("pk")))
    return {(row["answer"], row["waitlisted"]): row["n"] for row in rows}


def places_left(event: Event) -> int | None:
    """Free places of an annotated event; None when there is no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.going_count, 0)


def community_events(community, *, when: str = "upcoming", user=None) -> QuerySet[Event]:
    """A community's events: upcoming (not ended yet) soonest first, past latest first."""
    now = timezone.now()
    events = Event.objects.filter(community=community).select_related("learning_format")
    if when == "upcoming":
        events = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    elif when == "past":
        events = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("starts_at", "pk")
    return with_numbers(events, user)


def as_id(value) -> int | None:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def access_event(user, event_id, verb: Can = Can.READ) -> tuple[Event, policy.Standing]:
    """An event the user may read, with its community, format, numbers and the reader's role
    in one query. 404 for a missing event and for one of a community hidden from the user;
    403 (or 401) for one that is seen but not readable."""
    found = None
    if (pk := as_id(event_id)) is not None:
        rows = with_numbers(Event.objects.filter(pk=pk), user).select_related(
            "community", "learning_format", "created_by")
        if policy.is_signed_in(user):
            rows = rows.annotate(reader_role=policy.role_in_community(user))
        found = rows.first()
    if found is None:
        raise NotAllowed("no such event", hide=True)
    community = found.community
    standing = policy.standing_of(user, community, role=getattr(found, "reader_role", None))
    policy.check(standing, verb, community)
    return found, standing


@dataclass
class MyAnswer:
    answer: str
    waitlisted: bool
    position: int | None  # on the waiting list, from 1


def my_answer(event: Event, user) -> MyAnswer | None:
    """The reader's answer (from the annotations) and their place on the waiting list."""
    answer = getattr(event, "my_answer", None)
    if answer is None:
        return None
    waitlisted = bool(event.my_waitlisted)
    position = None
    if waitlisted:
        rsvp = Rsvp.objects.filter(event=event, user=user,
                                   occurrence=getattr(event, "occurrence", None)).first()
        if rsvp is not None:
            position = waitlist_position(rsvp)
            waitlisted = rsvp.waitlisted
    return MyAnswer(answer=answer, waitlisted=waitlisted, position=position)


def waitlist_position(rsvp: Rsvp) -> int | None:
    if not rsvp.waitlisted:
        return None
    earlier = Q(answered_at__lt=rsvp.answered_at) | Q(answered_at=rsvp.answered_at,
                                                       pk__lt=rsvp.pk)
    return Rsvp.objects.filter(earlier, event_id=rsvp.event_id, occurrence=rsvp.occurrence,
                               answer=Answer.GOING, waitlisted=True).count() + 1


def going_people(event: Event) -> list:
    """Who holds a place, in the order they answered (one query)."""
    return [rsvp.user for rsvp in Rsvp.objects.filter(
        event=event, occurrence=getattr(event, "occurrence", None), answer=Answer.GOING,
        waitlisted=False).select_related("user")
        .order_by("answered_at", "pk")[:GOING_SHOWN]]


def feed_user(token: str):
    """The active person whose personal calendar address this is, or None."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def feed_token_of(user) -> str | None:
    """The person's secret calendar address token, when they have one."""
    if not policy.is_signed_in(user):
        return None
    return CalendarFeed.objects.filter(user=user).values_list("token", flat=True).first()


def community_feed_events(community) -> QuerySet[Event]:
    """Every event of a community, past and upcoming, for its calendar feed."""
    return (Event.objects.filter(community=community).order_by("starts_at", "pk")
            .prefetch_related("changed_occurrences"))


def formats_to_plan_with(community) -> tuple[list[CommunityFormat], list[LearningFormat]]:
    """The formats the community runs its own way, and the rest of the catalogue (by name)."""
    adapted = list(CommunityFormat.objects.filter(community=community)
                   .select_related("format").order_by("format__name"))
    adapted_slugs = {row.format.slug for row in adapted}
    catalogue = [fmt for fmt in LearningFormat.objects.order_by("name").only("slug", "name")
                 if fmt.slug not in adapted_slugs]
    return adapted, catalogue


def personal_events(user) -> QuerySet[Event]:
    """Events of every community the person is a member of (one membership per community,
    so no event comes twice)."""
    return (Event.objects.filter(community__memberships__user=user)
            .select_related("community").order_by("starts_at", "pk")
            .prefetch_related("changed_occurrences"))


def my_upcoming(user) -> QuerySet[Event]:
    """Upcoming events of the person's communities with their answers (one query)."""
    return with_numbers(personal_events(user).filter(ends_at__gt=timezone.now()), user)


def format_agenda(community, slug: str):
    """(format, adaptation or None, agenda text) for a format of the catalogue."""
    fmt = LearningFormat.objects.filter(slug=slug).first()
    if fmt is None:
        return None, None, ""
    adaptation = CommunityFormat.objects.filter(community=community, format=fmt).first()
    parts = [f"## {fmt.name}", fmt.steps.strip()]
    if adaptation is not None and adaptation.notes.strip():
        parts += [f"### {_('How we run it')}", adaptation.notes.strip()]
    if fmt.outputs.strip():
        parts += [f"### {_('Outputs')}", fmt.outputs.strip()]
    return fmt, adaptation, "\n\n".join(parts)


def occurrence_starts(community_ids, *, since, until) -> dict[int, list]:
    """community id -> the starts of its events between `since` and `until`, each occurrence
    of a repeating event included, cancelled ones left out (one query)."""
    from cultivate.events.recurrence import occurrences

    events = (Event.objects.filter(Q(series_ends_at__gte=since)
                                   | Q(series_ends_at__isnull=True, ends_at__gte=since),
                                   community_id__in=community_ids, cancelled_at__isnull=True,
                                   starts_at__lte=until)
              .prefetch_related("changed_occurrences").order_by())
    starts: dict[int, list] = {}
    for event in events:
        for occurrence in occurrences(event, since=since, until=until):
            if not occurrence.cancelled:
                starts.setdefault(event.community_id, []).append(occurrence.starts_at)
    return starts


def next_events(community, limit: int = 3) -> list[tuple[Event, object]]:
    """The next dates of a community's events, repeating ones included: (event, occurrence)."""
    now = timezone.now()
    candidates = (Event.objects.filter(community=community, cancelled_at__isnull=True,
                                       series_ends_at__gt=now)
                  .select_related("learning_format").prefetch_related("changed_occurrences")
                  .order_by("starts_at", "pk")[:limit * 4])
    upcoming = []
    for event in candidates:
        soon = recurrence.occurrences(event, since=now, until=now + timedelta(days=400))
        following = next((item for item in soon if not item.cancelled), None)
        if following is not None:
            upcoming.append((event, following))
    return sorted(upcoming, key=lambda pair: pair[1].starts_at)[:limit]

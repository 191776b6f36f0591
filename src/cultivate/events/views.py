"""Thin HTML views of events: a community's list, an event, plan and edit (from a learning
format or none), cancel, answers, the outcome, calendars and "my events"."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.communities.queries import in_community
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.events import actions, calendars, queries, recurrence
from cultivate.events.forms import EventForm, OutcomeForm, WallClockField, time_zone_choices
from cultivate.events.models import Answer
from cultivate.policy import Can


def community_events(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    verbs = policy.allowed(standing, community)
    upcoming = in_community(
        queries.community_events(community, when="upcoming", user=request.user), community)
    past_page = Paginator(queries.community_events(community, when="past", user=request.user),
                          queries.PAST_PER_PAGE).get_page(str(request.GET.get("past", ""))[:10])
    past_page.object_list = in_community(past_page.object_list, community)
    public = community.visibility == "public"
    return render(request, "events/list.html", {
        "community": community, "upcoming": upcoming, "past_page": past_page,
        "can_plan": Can.PLAN_EVENTS in verbs,
        "feed_url": calendars.community_feed_url(
            community, None if public else queries.feed_token_of(request.user)),
        "feed_needs_token": not public})


def _format_choices(community) -> list:
    adapted, catalogue = queries.formats_to_plan_with(community)
    choices = []
    if adapted:
        choices.append((_("As %(name)s runs them") % {"name": community.name},
                        [(row.format.slug, row.format.name) for row in adapted]))
    choices.append((_("From the catalogue"), [(fmt.slug, fmt.name) for fmt in catalogue]))
    return choices


def _prefilled(request, community, data: dict, initial_zone: str):
    """The draft with the chosen format's agenda (and a title and an end when empty), and a
    sentence saying what was chosen."""
    slug = str(data.get("learning_format") or "")[:80]
    fmt, adaptation, agenda = queries.format_agenda(community, slug)
    if fmt is None:
        data["learning_format"] = ""
        return data, _("Choose a format first.") if slug or "use_format" in request.POST else ""
    data["learning_format"] = fmt.slug
    if not str(data.get("title") or "").strip():
        data["title"] = fmt.name
    kept = bool(str(data.get("agenda") or "").strip())
    if not kept:
        data["agenda"] = agenda
    try:
        starts = WallClockField().to_python(data.get("starts_at"))
    except ValidationError:
        starts = None
    if starts and not str(data.get("ends_at") or "").strip():
        minutes = (adaptation.duration_max if adaptation and adaptation.duration_max
                   else fmt.duration_max)
        data["ends_at"] = (starts + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
    data.setdefault("time_zone", initial_zone)
    if kept:
        return data, _("You chose “%(name)s”. Your agenda was kept: empty it and choose the "
                       "format again to fill it from the format's steps.") % {"name": fmt.name}
    if adaptation is not None:
        return data, _("You chose “%(name)s”, as %(community)s runs it: the agenda now holds "
                       "its steps and your community's notes. Change it as you like.") % {
            "name": fmt.name, "community": community.name}
    return data, _("You chose “%(name)s” from the catalogue: the agenda now holds its steps. "
                   "Change it as you like.") % {"name": fmt.name}


def _user_zone(user) -> str:
    zone = getattr(user, "time_zone", "") or settings.TIME_ZONE
    return zone if zone in dict(time_zone_choices()) else "UTC"


def _event_form_page(request, community, *, event=None):
    """Plan (event None) or edit: the draft survives refusals; "Use this format" refills."""
    choices = _format_choices(community)
    status, chosen = 200, ""
    if event is None:
        initial = {"time_zone": _user_zone(request.user)}
    else:
        initial = EventForm.initial_for(event)
    if request.method == "POST" and "use_format" in request.POST:
        data, chosen = _prefilled(request, community, request.POST.dict(), initial["time_zone"])
        form = EventForm(initial=data, format_choices=choices)
    elif request.method == "POST":
        form = EventForm(request.POST, format_choices=choices)
        if form.is_valid():
            try:
                if event is None:
                    saved = actions.do_plan_event(actor=request.user, community=community,
                                                  **form.action_values())
                else:
                    saved = actions.do_change_event(actor=request.user, event=event,
                                                    **form.action_values())
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Event planned.") if event is None
                                 else _("Event saved."))
                return redirect(saved)
        else:
            status = 400
    elif event is None and request.GET.get("format"):
        data, chosen = _prefilled(request, community,
                                  {**initial, "learning_format": request.GET["format"]},
                                  initial["time_zone"])
        form = EventForm(initial=data, format_choices=choices)
    else:
        form = EventForm(initial=initial, format_choices=choices)
    return render(request, "events/form.html", {
        "community": community, "event": event, "form": form, "chosen": chosen,
        "planning": event is None}, status=status)


@login_required
def plan(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN_EVENTS)
    return _event_form_page(request, community)


def _steward_event(request, pk):
    event, standing = queries.access_event(request.user, pk)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    return event


@login_required
def edit(request, pk):
    event = _steward_event(request, pk)
    if event.is_cancelled:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect(event)
    return _event_form_page(request, event.community, event=event)


def _chosen_occurrence(request, event, key: str | None = None):
    """A repeating event's occurrence the page is about (?at=, else the next one), with the
    event's numbers set to its own; None for an event that does not repeat."""
    if not event.is_repeating:
        return None
    key = key if key is not None else str(request.GET.get("at", ""))[:20]
    if key:
        moment = recurrence.parse_occurrence_key(key)
        item = recurrence.find(event, moment) if moment else None
        if item is None:
            raise NotAllowed("no such occurrence", hide=True)
    else:
        now = timezone.now()
        coming = [o for o in recurrence.occurrences(event, since=now, until=event.series_ends_at
                                                    or event.ends_at) if not o.cancelled]
        item = coming[0] if coming else (recurrence.occurrences(event) or [None])[-1]
    if item is not None:
        queries.at_occurrence(event, item.original_start, request.user)
    return item


def _rsvp_context(request, event, standing, occurrence=None) -> dict:
    verbs = policy.allowed(standing, event.community)
    if occurrence is not None:
        open_for_answers = not occurrence.cancelled and occurrence.ends_at > timezone.now()
    else:
        open_for_answers = not event.is_past
    return {"event": event, "community": event.community, "occurrence": occurrence,
            "mine": queries.my_answer(event, request.user),
            "places_left": queries.places_left(event),
            "can_rsvp": Can.RSVP in verbs and not event.is_cancelled and open_for_answers,
            "answers": Answer.choices, "standing": standing}


def _series_context(event, occurrence) -> dict:
    if occurrence is None:
        return {}
    now = timezone.now()
    ends = event.series_ends_at or event.ends_at
    zone = event.zone
    return {"series_text": recurrence.describe(event),
            "occurrence_local_start": occurrence.starts_at.astimezone(zone).strftime(
                "%Y-%m-%dT%H:%M"),
            "occurrence_local_end": occurrence.ends_at.astimezone(zone).strftime(
                "%Y-%m-%dT%H:%M"),
            "coming": recurrence.occurrences(event, since=now, until=ends)[:8],
            "recent": recurrence.occurrences(event, since=now - timedelta(weeks=12),
                                             until=now)[-3:],
            "skipped": [recurrence.parse_occurrence_key(key)
                        for key in event.recurrence_exceptions or ()]}


def detail(request, pk):
    event, standing = queries.access_event(request.user, pk)
    community = event.community
    verbs = policy.allowed(standing, community)
    can_plan = Can.PLAN_EVENTS in verbs
    occurrence = _chosen_occurrence(request, event)
    started = occurrence.starts_at <= timezone.now() if occurrence else event.has_started
    return render(request, "events/detail.html", {
        **_rsvp_context(request, event, standing, occurrence), "can": verbs,
        **_series_context(event, occurrence),
        "can_plan": can_plan and not event.is_cancelled,
        "can_record": can_plan and started and not event.is_cancelled,
        "can_take_attendance": Can.RECORD_ATTENDANCE in verbs and not event.is_cancelled,
        "can_check_in": Can.CHECK_IN in verbs and not event.is_cancelled,
        "going": queries.going_people(event),
        "ics_url": event.get_ics_url()})


@require_POST
@login_required
def rsvp(request, pk):
    event, standing = queries.access_event(request.user, pk)
    answer = str(request.POST.get("answer", ""))[:20]
    key = str(request.POST.get("at", ""))[:20]
    occurrence = _chosen_occurrence(request, event, key)
    try:
        saved = actions.do_rsvp(actor=request.user, event=event, answer=answer,
                                occurrence=occurrence.original_start if occurrence else None)
    except ActionError as error:
        messages.error(request, error.message)
        saved = None
    if request.htmx:
        event, standing = queries.access_event(request.user, pk)
        occurrence = _chosen_occurrence(request, event, key)
        return render(request, "events/_rsvp.html", {
            **_rsvp_context(request, event, standing, occurrence),
            "just_answered": saved is not None})
    if saved is not None:
        if saved.waitlisted:
            messages.success(request, _("The event is full: you are on the waiting list."))
        else:
            messages.success(request, _("Your answer is saved: %(answer)s.") % {
                "answer": Answer(saved.answer).label})
    if occurrence is not None:
        return redirect(f"{event.get_absolute_url()}?at={occurrence.key}")
    return redirect(event)


@require_POST
@login_required
def cancel(request, pk):
    event = _steward_event(request, pk)
    actions.do_cancel_event(actor=request.user, event=event)
    messages.success(request, _("The event is cancelled. Those who were going are told."))
    return redirect(event)


@login_required
def outcome(request, pk):
    event = _steward_event(request, pk)
    form = OutcomeForm(request.POST or None, initial={
        "notes": event.notes, "outputs": event.outputs, "recording_url": event.recording_url})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_record_event_outcome(request.user, event, **form.cleaned_data)
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Notes and outputs saved."))
                return redirect(event)
        else:
            status = 400
    return render(request, "events/outcome.html", {
        "event": event, "community": event.community, "form": form}, status=status)


# --- calendars ---------------------------------------------------------------------------

def _calendar_reader(request):
    """Whoever a calendar app asks for: the owner of `?token=` (calendar apps carry no
    session), else the signed-in person."""
    token = request.GET.get("token")
    if token:
        user = queries.feed_user(str(token))
        if user is None:
            raise NotAllowed("unknown calendar token", hide=True)
        return user
    return request.user


@require_safe
def event_ics(request, pk):
    event, _standing = queries.access_event(_calendar_reader(request), pk)
    return calendars.ics_response(calendars.calendar_of([event]),
                                  calendars.event_filename(event))


@require_safe
def community_feed(request, slug):
    reader = _calendar_reader(request)
    community, _standing = policy.access_community(reader, slug, Can.READ)
    events = in_community(queries.community_feed_events(community), community)
    return calendars.ics_response(
        calendars.calendar_of(events, name=community.name), f"{community.slug}.ics")


@require_safe
def personal_feed(request, token):
    user = queries.feed_user(token)
    if user is None:
        raise NotAllowed("unknown calendar token", hide=True)
    events = queries.personal_events(user)
    return calendars.ics_response(
        calendars.calendar_of(events, name=_("My learning events")), "my-events.ics")


@login_required
def my_events(request):
    feed = actions.do_ensure_calendar_feed(actor=request.user)
    events = list(queries.my_upcoming(request.user))
    return render(request, "events/mine.html", {
        "events": events,
        "feed_url": calendars.personal_feed_url(feed.token)})


@require_POST
@login_required
def regenerate_feed(request):
    actions.do_regenerate_calendar_feed(actor=request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer "
                                "works: subscribe again with the new one."))
    return redirect("events:mine")

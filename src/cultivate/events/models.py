"""Learning events a community plans (from a learning-activity format or none), the members'
answers (going, maybe, not going) with a waiting list when full, and what stays afterwards:
notes, outputs and a recording link."""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown
from cultivate.people.models import validate_time_zone  # events' 0001 migration names it here

MAX_TITLE = 200
MAX_MARKDOWN = 20_000
MAX_CAPACITY = 100_000


JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # read off a projector: no 0/O, 1/I/L
JOIN_CODE_LENGTH = 8  # 31^8, about 8.5e11; codes of six made before stay valid


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Event(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="events")
    learning_format = models.ForeignKey(
        "formats.LearningFormat", verbose_name=_("learning-activity format"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="events")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), max_length=MAX_MARKDOWN, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    agenda = models.TextField(_("agenda"), max_length=MAX_MARKDOWN, blank=True)
    agenda_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC",
                                 validators=[validate_time_zone],
                                 help_text=_("The zone the event is planned in."))
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True,
        help_text=_("Leave empty for no limit; when full, people join a waiting list."))
    # What stays after the event.
    notes = models.TextField(_("notes"), max_length=MAX_MARKDOWN, blank=True)
    notes_html = models.TextField(editable=False, blank=True)
    outputs = models.TextField(_("outputs"), max_length=MAX_MARKDOWN, blank=True)
    outputs_html = models.TextField(editable=False, blank=True)
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    # The live backchannel (cultivate.live) reads these.
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code,
                                 editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Repeating events (recurrence.py): an RFC 5545 rule without "RRULE:", the occurrences
    # skipped (their original starts as occurrence keys) and when the last one ends.
    recurrence = models.CharField(_("repeats"), max_length=300, blank=True)
    recurrence_exceptions = models.JSONField(default=list, blank=True)
    series_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Calendars (RFC 5545 SEQUENCE): bumped whenever what a calendar shows changes.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"], name="event_community_start"),
                   models.Index(fields=["starts_at"], name="event_start")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="event_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from cultivate.events.recurrence import last_end

        for field in ("description", "agenda", "notes", "outputs"):
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        self.series_ends_at = last_end(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "series_ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def is_repeating(self) -> bool:
        return bool(self.recurrence)

    @property
    def repeats(self) -> str:
        """One of recurrence.REPEATS ("" when it does not repeat)."""
        from cultivate.events.recurrence import preset_of

        return preset_of(self.recurrence)[0]

    @property
    def repeat_until(self):
        from cultivate.events.recurrence import preset_of

        return preset_of(self.recurrence)[1]

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_ics_url(self) -> str:
        return reverse("events:ics", kwargs={"pk": self.pk})


class Answer(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class Rsvp(models.Model):
    """One person's answer to one event. `waitlisted` when they said going to a full event;
    the earliest waiting answer moves up when a place frees."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="rsvps")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer)
    waitlisted = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(default=False)
    # Of a repeating event: which occurrence (its original start); None for one that does not
    # repeat. Places and the waiting list are counted per occurrence.
    occurrence = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="rsvp_once",
                                    condition=models.Q(occurrence__isnull=True)),
            models.UniqueConstraint(fields=["event", "occurrence", "user"],
                                    name="rsvp_once_per_occurrence",
                                    condition=models.Q(occurrence__isnull=False))]
        indexes = [models.Index(fields=["event", "answer", "waitlisted"], name="rsvp_event_answer")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}: {self.answer}"


class CalendarFeed(models.Model):
    """A secret address per person for their calendar app: the events of their communities."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


class ChangedOccurrence(models.Model):
    """One occurrence of a repeating event moved or cancelled on its own; the others follow the
    rule. `original_start` identifies it (RFC 5545 RECURRENCE-ID)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE,
                              related_name="changed_occurrences")
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "original_start"],
                                               name="changed_occurrence_once")]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.original_start}"


class CheckIn(models.TextChoices):
    LIST = "list", _("checked in by a facilitator")
    CODE = "code", _("checked in with the room's code")
    LIVE = "live", _("took part in the live backchannel")


class Attendance(models.Model):
    """Who was there, per occurrence (`occurrence` is the original start; the event's own
    start for an event that does not repeat). Feeds levels and dashboards through the
    activity log."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    occurrence = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="attendances")
    how = models.CharField(max_length=8, choices=CheckIn, default=CheckIn.LIST)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    feedback_asked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "occurrence", "user"],
                                               name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.event_id} {self.occurrence}"


class EventFeedback(models.Model):
    """An attendee's two answers after an occurrence: how useful it was, and what they will
    apply. Feeds the immediate cycle (usefulness) and, when they name something, the applied
    cycle."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    occurrence = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_feedback")
    usefulness = models.PositiveSmallIntegerField(_("how useful was it"))
    will_apply = models.TextField(_("what will you apply"), max_length=2000, blank=True)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["event", "occurrence", "user"],
                                               name="event_feedback_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.event_id}: {self.usefulness}"

"""The plan, edit and outcome forms of events. They parse; the actions validate and decide.

Start and end are wall-clock times in the event's own time zone (chosen on the same form), so
the date fields return naive datetimes and the action places them in that zone.
"""

import zoneinfo
from datetime import datetime
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cultivate.events.models import MAX_CAPACITY, MAX_MARKDOWN, MAX_TITLE
from cultivate.events.recurrence import REPEATS

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists, [links](https://example.org).")
INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
WIDGET_FORMAT = "%Y-%m-%dT%H:%M"


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in zoneinfo.available_timezones()
                   if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")))
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class WallClockField(forms.DateTimeField):
    """A date and time with no zone attached: the event's zone gives it meaning."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WIDGET_FORMAT)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for pattern in INPUT_FORMATS:
            try:
                return datetime.strptime(text, pattern)  # noqa: DTZ007 - the event zone gives it meaning
            except ValueError:
                continue
        raise ValidationError(_("Give a date and time such as 2026-03-14 15:00."),
                              code="invalid")

    def prepare_value(self, value):
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value


class EventForm(forms.Form):
    learning_format = forms.ChoiceField(
        label=_("Learning-activity format"), required=False,
        help_text=_("Optional. “Use this format” fills the agenda from its steps (and your "
                    "community's way of running it)."))
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=MAX_MARKDOWN,
        help_text=format_lazy("{} {}", _("What the event is for and who should come."),
                              MARKDOWN_HELP),
        widget=forms.Textarea(attrs={"rows": 4}))
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=MAX_MARKDOWN,
                             help_text=MARKDOWN_HELP, widget=forms.Textarea(attrs={"rows": 10}))
    starts_at = WallClockField(label=_("Starts"))
    ends_at = WallClockField(label=_("Ends"))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Start and end are times in this zone. Everyone sees them in their own "
                    "zone too."))
    online_url = forms.CharField(
        label=_("Online link"), required=False, max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Where to join online, if the event is online."))
    venue = forms.CharField(label=_("Venue"), required=False, max_length=300,
                            help_text=_("Where to meet, if the event happens in a place."))
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, max_value=MAX_CAPACITY,
        help_text=_("Leave empty for no limit. When all places are taken, people who say "
                    "they are going join a waiting list."))

    repeats = forms.ChoiceField(
        label=_("Repeats"), required=False, choices=list(REPEATS.items()),
        help_text=_("A rhythm helps a community: the same slot, week after week. Each "
                    "occurrence keeps its own answers and attendance."))
    repeat_until = forms.DateField(
        label=_("Last date of the series"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed for a repeating event; a series can run up to five years."))

    def __init__(self, *args, format_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learning_format"].choices = [("", _("None")), *format_choices]
        self.fields["time_zone"].choices = time_zone_choices()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data

    def action_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "title", "description", "agenda", "starts_at", "ends_at", "time_zone",
            "online_url", "venue", "capacity", "repeats", "repeat_until")} | {
            "learning_format": data["learning_format"] or None}

    @staticmethod
    def initial_for(event) -> dict:
        zone = event.zone
        return {"learning_format": event.learning_format.slug if event.learning_format else "",
                "title": event.title, "description": event.description,
                "agenda": event.agenda,
                "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
                "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None),
                "time_zone": event.time_zone, "online_url": event.online_url,
                "venue": event.venue, "capacity": event.capacity,
                "repeats": event.repeats, "repeat_until": event.repeat_until}


class OutcomeForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=MAX_MARKDOWN,
                            help_text=format_lazy("{} {}", _("What happened and what was "
                                                             "said."), MARKDOWN_HELP),
                            widget=forms.Textarea(attrs={"rows": 10}))
    outputs = forms.CharField(label=_("Outputs"), required=False, max_length=MAX_MARKDOWN,
                              help_text=format_lazy("{} {}", _(
                                  "What the event produced: decisions, documents, next "
                                  "steps."), MARKDOWN_HELP),
                              widget=forms.Textarea(attrs={"rows": 6}))
    recording_url = forms.CharField(label=_("Recording link"), required=False, max_length=500,
                                    widget=forms.URLInput(attrs={"placeholder": "https://"}))

"""The landscape-wide catalogue of learning-activity formats and communities' adaptations.

A `LearningFormat` is a template for a learning activity (case clinic, peer assist, field trip,
...): what it is for, when to use it, how to run it, who does what, how long it takes, how many
people, whether the group learns from each other or from outside sources, how formal it is and
what it produces. A `CommunityFormat` is one community's way of running a format.
"""


from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import plain_text, render_markdown
from cultivate.formats.catalogue_i18n import show_in_active_language

MAX_NAME = 100
MAX_SUMMARY = 200
MAX_MARKDOWN = 20_000
MAX_NOTES = 20_000
MAX_ROLES = 10_000
MAX_MINUTES = 7 * 24 * 60  # a session of a week at most
MAX_GROUP = 10_000


class Purpose(models.TextChoices):
    """Why practitioners need a community (seed 004): what a format helps a community do."""

    SOLVE_PROBLEMS = "solve_problems", _("Help each other solve problems")
    SHARE_STORIES = "share_stories", _("Hear each other's stories")
    REFLECT = "reflect", _("Reflect on practice and improve it")
    SHARED_UNDERSTANDING = "shared_understanding", _("Build shared understanding")
    KEEP_UP = "keep_up", _("Keep up with change")
    INNOVATE = "innovate", _("Innovate together")
    SYNERGY = "synergy", _("Find synergy across structures")
    INFLUENCE = "influence", _("Find a voice and influence")


class Source(models.TextChoices):
    """Where the learning comes from: members' own experience, outside sources, or both."""

    EACH_OTHER = "each_other", _("With each other")
    OUTSIDE = "outside", _("From outside sources")
    BOTH = "both", _("Both")


class Formality(models.IntegerChoices):
    """From a tip dropped in a conversation (1) to a structured, prepared programme (5)."""

    VERY_INFORMAL = 1, _("Very informal")
    INFORMAL = 2, _("Informal")
    SEMI_STRUCTURED = 3, _("Semi-structured")
    STRUCTURED = 4, _("Structured")
    FORMAL = 5, _("Formal")


def describe_minutes(low: int | None, high: int | None) -> str:
    """'45–90 minutes', '2–3 hours', '30 minutes'; '' when unknown."""
    if not low and not high:
        return ""
    low, high = low or high, high or low
    if high >= 180 and low % 30 == 0 and high % 30 == 0:
        low_h, high_h = _hours(low), _hours(high)
        if low == high:
            count = high // 60 if high % 60 == 0 else 2  # "1.5 hours" is plural too
            return ngettext("%(n)s hour", "%(n)s hours", count) % {"n": high_h}
        return gettext("%(low)s–%(high)s hours") % {"low": low_h, "high": high_h}
    if low == high:
        return ngettext("%(n)d minute", "%(n)d minutes", high) % {"n": high}
    return gettext("%(low)d–%(high)d minutes") % {"low": low, "high": high}


def _hours(minutes: int) -> str:
    return str(minutes // 60) if minutes % 60 == 0 else f"{minutes / 60:.1f}"


def describe_group(low: int | None, high: int | None) -> str:
    """'3–12 people', '2 or more people', 'up to 8 people'; '' when unknown."""
    if low and high:
        if low == high:
            return ngettext("%(n)d person", "%(n)d people", high) % {"n": high}
        return gettext("%(low)d–%(high)d people") % {"low": low, "high": high}
    if low:
        return gettext("%(n)d or more people") % {"n": low}
    if high:
        return gettext("up to %(n)d people") % {"n": high}
    return ""


class LearningFormat(models.Model):
    """A learning-activity format of the landscape-wide catalogue."""

    # Markdown sources; each has a rendered, sanitised `<name>_html`.
    MARKDOWN_FIELDS = ("description", "when_to_use", "steps", "roles", "outputs")

    name = models.CharField(_("name"), max_length=MAX_NAME)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=MAX_SUMMARY,
                               help_text=_("One line: what the format is."))
    description = models.TextField(_("description"), max_length=MAX_MARKDOWN, blank=True,
                                   help_text=_("What it is and what it is for."))
    description_html = models.TextField(editable=False, blank=True)
    when_to_use = models.TextField(_("when to use it"), max_length=MAX_MARKDOWN)
    when_to_use_html = models.TextField(editable=False, blank=True)
    steps = models.TextField(_("how to run it"), max_length=MAX_MARKDOWN,
                             help_text=_("A numbered list of steps."))
    steps_html = models.TextField(editable=False, blank=True)
    roles = models.TextField(_("roles"), max_length=MAX_MARKDOWN)
    roles_html = models.TextField(editable=False, blank=True)
    outputs = models.TextField(_("typical outputs"), max_length=MAX_MARKDOWN)
    outputs_html = models.TextField(editable=False, blank=True)
    duration_min = models.PositiveIntegerField(_("shortest session (minutes)"))
    duration_max = models.PositiveIntegerField(_("longest session (minutes)"))
    duration_note = models.CharField(_("about timing"), max_length=200, blank=True,
                                     help_text=_("Rhythm or span beyond one session."))
    group_size_min = models.PositiveIntegerField(_("smallest group"))
    group_size_max = models.PositiveIntegerField(_("largest group"), null=True, blank=True,
                                                 help_text=_("Empty: no upper limit."))
    source = models.CharField(_("learning from"), max_length=12, choices=Source)
    formality = models.PositiveSmallIntegerField(_("formality"), choices=Formality)
    related = models.ManyToManyField("self", verbose_name=_("related formats"), blank=True,
                                     symmetrical=True)
    is_builtin = models.BooleanField(_("comes with Cultivate"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning format")
        verbose_name_plural = _("learning formats")
        indexes = [models.Index(fields=["formality", "name"], name="format_formality_name"),
                   models.Index(fields=["source", "name"], name="format_source_name")]
        constraints = [
            models.CheckConstraint(condition=models.Q(formality__gte=1, formality__lte=5),
                                   name="format_formality_1_to_5"),
            models.CheckConstraint(condition=models.Q(duration_min__lte=models.F("duration_max")),
                                   name="format_duration_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if getattr(self, "shown_in_language", None):
            # Its texts are a translation: saving would write them over the English.
            raise ValueError("a format read in another language cannot be saved; read it "
                             "with translation.override(settings.LANGUAGE_CODE)")
        for field in self.MARKDOWN_FIELDS:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("formats:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        """A built-in format reads in the reader's language (formats/catalogue_i18n.py)."""
        instance = super().from_db(db, field_names, values)
        show_in_active_language(instance, set(field_names))
        return instance

    @property
    def purpose_values(self) -> list[str]:
        """The purposes' codes, in the order of `Purpose` (reads prefetched rows)."""
        found = {row.purpose for row in self.purposes.all()}
        return [value for value in Purpose.values if value in found]

    @property
    def purpose_choices(self) -> list[tuple[str, str]]:
        labels = dict(Purpose.choices)
        return [(value, labels[value]) for value in self.purpose_values]

    @property
    def duration_display(self) -> str:
        return describe_minutes(self.duration_min, self.duration_max)

    @property
    def group_size_display(self) -> str:
        return describe_group(self.group_size_min, self.group_size_max)

    def search_document(self) -> tuple[str, str]:
        """(title, plain-text body) for the shared search index."""
        parts = [self.summary, *(getattr(self, f"{f}_html") for f in self.MARKDOWN_FIELDS)]
        return self.name, plain_text(*parts)


class FormatPurpose(models.Model):
    """One purpose of a format: purposes stay a translatable choice list in code while a format
    may have several, and filtering by one is an indexed join on both databases."""

    format = models.ForeignKey(LearningFormat, on_delete=models.CASCADE, related_name="purposes")
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose)

    class Meta:
        ordering = ["format", "purpose"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        constraints = [models.UniqueConstraint(fields=["format", "purpose"],
                                               name="format_purpose_once")]
        indexes = [models.Index(fields=["purpose", "format"], name="format_purpose_lookup")]

    def __str__(self) -> str:
        return self.get_purpose_display()


class CommunityFormat(models.Model):
    """How one community runs a format: its own notes, and optionally its own roles, session
    length and group size (empty means: as in the catalogue)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="adapted_formats")
    format = models.ForeignKey(LearningFormat, on_delete=models.PROTECT,
                               related_name="adaptations")
    notes = models.TextField(_("how we run it"), max_length=MAX_NOTES)
    notes_html = models.TextField(editable=False, blank=True)
    roles = models.TextField(_("our roles"), max_length=MAX_ROLES, blank=True)
    roles_html = models.TextField(editable=False, blank=True)
    duration_min = models.PositiveIntegerField(_("shortest session (minutes)"), null=True,
                                               blank=True)
    duration_max = models.PositiveIntegerField(_("longest session (minutes)"), null=True,
                                               blank=True)
    group_size_min = models.PositiveIntegerField(_("smallest group"), null=True, blank=True)
    group_size_max = models.PositiveIntegerField(_("largest group"), null=True, blank=True)
    adapted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["format__name"]
        verbose_name = _("community's format")
        verbose_name_plural = _("communities' formats")
        constraints = [models.UniqueConstraint(fields=["community", "format"],
                                               name="community_format_once")]
        indexes = [models.Index(fields=["format", "community"], name="format_adaptations")]

    def __str__(self) -> str:
        return f"{self.format} @ {self.community}"

    def save(self, *args, **kwargs):
        self.notes_html = render_markdown(self.notes)
        self.roles_html = render_markdown(self.roles) if self.roles.strip() else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("formats:community-format",
                       kwargs={"slug": self.community.slug, "format_slug": self.format.slug})

    @property
    def has_own_duration(self) -> bool:
        return self.duration_min is not None or self.duration_max is not None

    @property
    def has_own_group_size(self) -> bool:
        return self.group_size_min is not None or self.group_size_max is not None

    @property
    def duration_display(self) -> str:
        """This community's session length, or the catalogue's."""
        if self.has_own_duration:
            return describe_minutes(self.duration_min, self.duration_max)
        return self.format.duration_display

    @property
    def group_size_display(self) -> str:
        if self.has_own_group_size:
            return describe_group(self.group_size_min, self.group_size_max)
        return self.format.group_size_display

    def search_document(self) -> tuple[str, str]:
        """(title, plain-text body) for the shared search index. The index must only show it
        to those who may read `community` (Can.READ), like the community's posts."""
        title = gettext("%(format)s in %(community)s") % {"format": self.format.name,
                                                          "community": self.community.name}
        return title, plain_text(self.notes_html, self.roles_html)

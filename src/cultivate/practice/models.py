"""Methods (practice pages), their revisions, stories of use, and who practises them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown

MAX_TITLE = 160
MAX_SECTION = 30_000
MAX_STORY_PART = 10_000

# The sections of a method page, after CARE's methods wiki (seed 001).
SECTIONS = (
    ("brief", _("Brief description")),
    ("applications", _("Example applications")),
    ("description", _("Full description")),
    ("references", _("More information and references")),
)
SECTION_NAMES = tuple(name for name, _label in SECTIONS)


class Sharing(models.TextChoices):
    COMMUNITY = "community", _("Readers of its communities")
    LANDSCAPE = "landscape", _("Everyone on the landscape")


class Method(models.Model):
    """A practice page: what a method is, where it applies, how it works, and stories of use.

    Written in a home community; also listed in the communities it is shared with, and when
    shared with the landscape, readable by everyone.
    """

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="methods")
    shared_with = models.ManyToManyField("communities.Community", blank=True,
                                         related_name="shared_methods",
                                         verbose_name=_("also shared with"))
    sharing = models.CharField(_("who may read it"), max_length=10, choices=Sharing,
                               default=Sharing.COMMUNITY)
    title = models.CharField(_("name of the method"), max_length=MAX_TITLE)
    slug = models.SlugField(max_length=80, unique=True)
    brief = models.TextField(_("brief description"), max_length=MAX_SECTION, blank=True)
    brief_html = models.TextField(editable=False, blank=True)
    applications = models.TextField(_("example applications"), max_length=MAX_SECTION,
                                    blank=True)
    applications_html = models.TextField(editable=False, blank=True)
    description = models.TextField(_("full description"), max_length=MAX_SECTION, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    references = models.TextField(_("more information and references"),
                                  max_length=MAX_SECTION, blank=True)
    references_html = models.TextField(editable=False, blank=True)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="methods",
                                  verbose_name=_("key tags"))
    related = models.ManyToManyField("self", blank=True, symmetrical=True,
                                     verbose_name=_("related methods"))
    # Conveners can keep a settled page to stewards; members edit the rest.
    is_restricted = models.BooleanField(_("only stewards edit"), default=False)
    # The revision number the page is at: an edit based on an older one is a conflict.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        indexes = [models.Index(fields=["community", "title"], name="method_community_title")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        for name in SECTION_NAMES:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("practice:method", kwargs={"method": self.slug})

    def content(self) -> dict:
        """What a revision keeps of the page."""
        return {"title": self.title, **{name: getattr(self, name) for name in SECTION_NAMES}}

    def search_document(self) -> tuple[str, str]:
        return self.title, "\n\n".join(getattr(self, name) for name in SECTION_NAMES)


class MethodRevision(models.Model):
    """The page as one edit left it: every change, including the first, is a revision."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    summary = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["method", "version"],
                                               name="method_revision_once")]

    def __str__(self) -> str:
        return f"{self.method_id} v{self.version}"


class Outcome(models.TextChoices):
    SUCCESS = "success", _("It worked")
    MIXED = "mixed", _("Mixed")
    FAILURE = "failure", _("It did not work")


STORY_PARTS = (
    ("context", _("The context")),
    ("what_we_did", _("What we did")),
    ("what_happened", _("What happened")),
    ("differently", _("What we would do differently")),
)


class Story(models.Model):
    """A practitioner's account of using a method: failures count as much as successes."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="stories")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="method_stories")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    outcome = models.CharField(_("how it went"), max_length=8, choices=Outcome)
    context = models.TextField(_("the context"), max_length=MAX_STORY_PART)
    context_html = models.TextField(editable=False, blank=True)
    what_we_did = models.TextField(_("what we did"), max_length=MAX_STORY_PART)
    what_we_did_html = models.TextField(editable=False, blank=True)
    what_happened = models.TextField(_("what happened"), max_length=MAX_STORY_PART)
    what_happened_html = models.TextField(editable=False, blank=True)
    differently = models.TextField(_("what we would do differently"), max_length=MAX_STORY_PART,
                                   blank=True)
    differently_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("story of use")
        verbose_name_plural = _("stories of use")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        for name, _label in STORY_PARTS:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("practice:story", kwargs={"method": self.method.slug,
                                                 "story_id": self.pk})

    def search_document(self) -> tuple[str, str]:
        return self.title, "\n\n".join(getattr(self, name) for name, _label in STORY_PARTS)


class StoryComment(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(_("comment"), max_length=MAX_STORY_PART)
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.story_id}#{self.pk}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class Practitioner(models.Model):
    """Someone uses this method, says how, and whether they are glad to share tips."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="practitioners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="practised_methods")
    note = models.CharField(_("your experience with it"), max_length=500, blank=True)
    willing_to_share = models.BooleanField(_("glad to share tips"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-willing_to_share", "created_at"]
        constraints = [models.UniqueConstraint(fields=["method", "user"],
                                               name="practitioner_once")]

    def __str__(self) -> str:
        return f"{self.user_id} uses {self.method_id}"

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A landscape-wide label for communities (and, later, for content and expertise)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def normalise(cls, raw: str) -> tuple[str, str]:
        name = " ".join(raw.split())[:60]
        return slugify(name)[:60], name


def tags_from_names(names) -> list[Tag]:
    """Get or create tags for a list of names, ignoring blanks and duplicates."""
    wanted: dict[str, str] = {}
    for raw in names:
        slug, name = Tag.normalise(str(raw))
        if slug:
            wanted.setdefault(slug, name)
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=wanted)}
    for slug, name in wanted.items():
        if slug not in existing:
            existing[slug] = Tag.objects.create(slug=slug, name=name)
    return [existing[slug] for slug in wanted]


def parse_tag_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class SearchDocument(models.Model):
    """Something searchable besides posts (a method, a story, a resource, a format), as the
    search reads it: its title and text, where it lives and who may read it.

    One row per community the thing belongs to; a thing everyone may read has one row without
    a community. Kept by the actions that write the things (conversations/search.py).
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    # No foreign key: core comes before the apps that own communities and content.
    community_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="searchdoc_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class MailBounce(models.Model):
    """An address our mail bounced from: how many bounces in a row, and since when Cultivate
    stopped mailing it (core.mail checks this before every send). The owner turns mail back
    on from their email settings; a reply received from the address resets the count."""

    email = models.CharField(_("email address"), max_length=254, unique=True)  # lowercased
    bounces_in_row = models.PositiveIntegerField(_("bounces in a row"), default=0)
    last_bounce_at = models.DateTimeField(_("last bounce"), null=True, blank=True)
    last_reason = models.CharField(_("last reason"), max_length=300, blank=True)
    suppressed_at = models.DateTimeField(_("mail off since"), null=True, blank=True)

    class Meta:
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.email

"""Evidence of a story step, given as links: a page of this site (a topic or one of its posts,
a method or a story of use, a resource, an event) is resolved to the thing itself, so the story
says "evidence removed" once it is gone; anything else must be an https link."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.policy import Can

MAX_LINKS = 10
MAX_LABEL = 200


@dataclass
class Link:
    label: str
    url: str
    target: object | None = None  # the thing on this site, or None for an outside link


def parse_lines(text: str) -> list[tuple[str, str]]:
    """Lines of `label | link` or just a link, in order."""
    found = []
    for line in str(text or "").replace("\x00", "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, url = line.rpartition("|")
        found.append(((label.strip() if sep else ""), url.strip()))
    return found


def resolve_link(user, label: str, url: str, *, host: str = "") -> Link:
    """A Link, or ValidationError with a message a person can act on. `host` is the address
    the author reached the site at (links copied from the address bar carry it)."""
    parts = urlsplit(url)
    own_hosts = {urlsplit(settings.SITE_URL).netloc, host} - {""}
    if url.startswith("/") or (parts.netloc and parts.netloc in own_hosts):
        return _internal(user, label, parts)
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise ValidationError(_("%(url)s is not a page of this site nor an https link.")
                              % {"url": url[:80]}) from None
    return Link(label=(label or url)[:MAX_LABEL], url=url[:500])


def _internal(user, label, parts) -> Link:
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise ValidationError(_("%(url)s is not a page of this site.")
                              % {"url": parts.path[:80]}) from None
    target = _thing(user, match, parts.fragment)
    if target is None:
        raise ValidationError(_("%(url)s is not something you can link as evidence (a topic, "
                                "post, method, story of use, resource or event you may read).")
                              % {"url": parts.path[:80]})
    path = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
    return Link(label=(label or str(_title(target)))[:MAX_LABEL], url=path[:500], target=target)


def _thing(user, match, fragment: str):
    name, kwargs = match.view_name, match.kwargs
    from cultivate.conversations.models import Post, Topic
    from cultivate.events.models import Event
    from cultivate.practice.models import Method, Story
    from cultivate.resources.models import Resource

    if name == "conversations:topic":
        topic = Topic.objects.filter(pk=kwargs["topic_id"], community__slug=kwargs["slug"]).first()
        if topic is None or not policy.can(user, Can.READ, topic.community):
            return None
        post_id = fragment.removeprefix("post-")
        if post_id.isdigit():
            return Post.objects.filter(pk=int(post_id), topic=topic,
                                       deleted_at__isnull=True).first()
        return topic
    if name in ("practice:method", "practice:story"):
        method = Method.objects.filter(slug=kwargs["method"]).first()
        if method is None or not policy.can_read_method(method,
                                                        policy.method_standings(user, method)):
            return None
        if name == "practice:method":
            return method
        return Story.objects.filter(pk=kwargs["story_id"], method=method).first()
    if name == "resources:detail":
        resource = Resource.objects.filter(pk=kwargs["resource_id"], community__slug=kwargs["slug"],
                                           deleted_at__isnull=True).first()
        return resource if resource and policy.can(user, Can.READ, resource.community) else None
    if name.startswith("events:") and "pk" in kwargs:
        event = Event.objects.filter(pk=kwargs["pk"]).first()
        return event if event and policy.can(user, Can.READ, event.community) else None
    return None


def _title(thing) -> str:
    for name in ("title", "name"):
        if getattr(thing, name, ""):
            return getattr(thing, name)
    topic = getattr(thing, "topic", None)
    if topic is not None:
        author = thing.author.public_name if thing.author else _("someone")
        return _("%(author)s in “%(topic)s”") % {"author": author, "topic": topic.title}
    return str(thing)


def link_of(evidence) -> tuple[str, bool]:
    """Where an evidence row points and whether it is still there (False: evidence removed)."""
    if evidence.target_type_id is None:
        return evidence.url, True
    model = ContentType.objects.get_for_id(evidence.target_type_id).model_class()
    obj = model.objects.filter(pk=evidence.target_id).first() if model else None
    gone = obj is None or getattr(obj, "deleted_at", None) is not None
    return evidence.url, not gone


def target_of(link: Link) -> dict:
    if link.target is None:
        return {"target_type": None, "target_id": None}
    return {"target_type": ContentType.objects.get_for_model(link.target),
            "target_id": link.target.pk}

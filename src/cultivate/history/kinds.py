"""Which kinds of object keep a text history, which of their fields, and who may read it.

A kind is named by its model label (`communities.community`); that name is in the URLs.
Whoever may read the object may read its history: each kind asks its own app's access check.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from cultivate.core.errors import NotAllowed


@dataclass(frozen=True)
class Kind:
    label: str  # the model's label, lower case: also the kind's name in URLs
    fields: tuple[str, ...]  # the user-written fields whose earlier text is kept
    access: Callable  # (user, object id) -> the object, or raise NotAllowed

    @property
    def model(self):
        return apps.get_model(self.label)


def _community(user, object_id):
    from cultivate import policy
    from cultivate.communities.models import Community
    from cultivate.policy import Can

    community = Community.objects.filter(pk=object_id).first()
    if community is None:
        raise NotAllowed("no such community", hide=True)
    policy.check(policy.standing_of(user, community), Can.READ, community)
    return community


def _resource(user, object_id):
    from cultivate.resources.models import Resource
    from cultivate.resources.queries import access_resource

    slug = (Resource.objects.filter(pk=object_id)
            .values_list("community__slug", flat=True).first())
    if slug is None:
        raise NotAllowed("no such resource", hide=True)
    return access_resource(user, slug, object_id)[0]


def _event(user, object_id):
    from cultivate.events.queries import access_event

    return access_event(user, object_id)[0]


def _story(user, object_id):
    from cultivate.practice.models import Story
    from cultivate.practice.queries import access_method, story_of

    slug = Story.objects.filter(pk=object_id).values_list("method__slug", flat=True).first()
    if slug is None:
        raise NotAllowed("no such story", hide=True)
    method, _standings = access_method(user, slug)
    return story_of(method, object_id)


KINDS = {kind.label: kind for kind in (
    Kind("communities.community",
         ("tagline", "charter_domain", "charter_community", "charter_practice",
          "case_why", "case_what", "case_how"), _community),
    Kind("resources.resource", ("title", "summary", "body"), _resource),
    Kind("events.event", ("title", "description", "agenda", "notes", "outputs"), _event),
    Kind("practice.story",
         ("title", "context", "what_we_did", "what_happened", "differently"), _story),
)}


def kind_of_model(model) -> Kind | None:
    return KINDS.get(model._meta.label_lower)


def access_object(user, label: str, object_id):
    """The object of kind `label` and id `object_id` if the user may read it: 404 for an
    unknown kind or id and for an object hidden from the user, as its own page answers."""
    kind = KINDS.get(str(label).lower())
    pk = int(object_id) if str(object_id).isdigit() and len(str(object_id)) < 19 else None
    if kind is None or pk is None:
        raise NotAllowed("no such history", hide=True)
    return kind, kind.access(user, pk)

"""Writing methods, their revisions, stories and practitioners. Views and the API call these."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.models import tags_from_names
from cultivate.history.revisions import record_revision
from cultivate.policy import Can
from cultivate.practice.indexing import index_method, index_story
from cultivate.practice.models import (
    MAX_SECTION,
    MAX_STORY_PART,
    MAX_TITLE,
    SECTION_NAMES,
    STORY_PARTS,
    Method,
    MethodRevision,
    Outcome,
    Practitioner,
    Sharing,
    Story,
    StoryComment,
)

MIN_TITLE = 3
MAX_TAGS = 10
MAX_RELATED = 20


def _text(value) -> str:
    return (value or "").replace("\x00", "").strip()


def _clean_page(title, sections: dict) -> tuple[str, dict]:
    errors: dict[str, list[str]] = {}
    title = _text(title)
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        errors["title"] = [_("Write a name of %(min)d to %(max)d characters.") % {
            "min": MIN_TITLE, "max": MAX_TITLE}]
    cleaned = {}
    for name in SECTION_NAMES:
        cleaned[name] = _text(sections.get(name, ""))
        if len(cleaned[name]) > MAX_SECTION:
            errors[name] = [_("Keep each section under %(max)d characters.") % {
                "max": MAX_SECTION}]
    if not cleaned["brief"]:
        errors["brief"] = [_("Say in a sentence or two what the method is.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return title, cleaned


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "method"
    slug, n = base, 2
    while Method.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_tags(tags) -> list[str]:
    tags = [str(tag) for tag in tags]
    if len(tags) > MAX_TAGS:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"tags": [_("Use at most %(max)d tags.") % {"max": MAX_TAGS}]})
    return tags


@transaction.atomic
def do_create_method(*, actor, community, title: str, tags=(), summary: str = "",
                     **sections) -> Method:
    policy.check(policy.standing_of(actor, community), Can.START_TOPIC, community)
    title, sections = _clean_page(title, sections)
    tags = _check_tags(tags)
    method = Method.objects.create(community=community, title=title, slug=_unique_slug(title),
                                   created_by=actor, **sections)
    method.tags.set(tags_from_names(tags))
    _keep_revision(method, actor, summary or _("First version"))
    index_method(method)
    record_activity(actor=actor, verb=Verb.METHOD_CREATED, community=community, target=method)
    return method


def _keep_revision(method: Method, actor, summary: str) -> MethodRevision:
    return MethodRevision.objects.create(method=method, version=method.version,
                                         content=method.content(), author=actor,
                                         summary=_text(summary)[:200])


def _check_edit(actor, method: Method) -> dict:
    standings = policy.method_standings(actor, method)
    if not policy.can_read_method(method, standings):
        raise NotAllowed("cannot read this method", hide=True)
    if not policy.may_edit_method(method, standings):
        raise NotAllowed("only the stewards edit this page" if method.is_restricted
                         else "only members of its communities edit it")
    return standings


@transaction.atomic
def do_edit_method(*, actor, method: Method, base_version: int, title: str, summary: str = "",
                   tags=None, **sections) -> Method:
    """Save a new version of the page. An edit started from an older version than the page is
    at now is refused as a conflict, and nothing is overwritten: the caller keeps the draft."""
    _check_edit(actor, method)
    method = Method.objects.select_for_update().get(pk=method.pk)
    if int(base_version) != method.version:
        raise Conflict(_("Someone saved this page while you were editing it. Your text is "
                         "kept below: compare it with the newest version, then save again."),
                       code="edit_conflict")
    title, sections = _clean_page(title, sections)
    if tags is not None:
        method.tags.set(tags_from_names(_check_tags(tags)))
    if {"title": title, **sections} == method.content():
        return method
    method.title = title
    for name, value in sections.items():
        setattr(method, name, value)
    method.version += 1
    method.updated_at = timezone.now()
    method.save()
    _keep_revision(method, actor, summary)
    index_method(method)
    record_activity(actor=actor, verb=Verb.METHOD_EDITED, community=method.community,
                    target=method, payload={"version": method.version})
    return method


@transaction.atomic
def do_restore_revision(*, actor, method: Method, version: int) -> Method:
    """Bring back an earlier version as a new one: history only grows."""
    _check_edit(actor, method)
    old = MethodRevision.objects.filter(method=method, version=version).first()
    if old is None:
        raise NotAllowed("no such version", hide=True)
    content = {"title": method.title, **{name: "" for name in SECTION_NAMES}, **old.content}
    return do_edit_method(actor=actor, method=method, base_version=method.version,
                          summary=_("Restored version %(version)d") % {"version": version},
                          **content)


@transaction.atomic
def do_set_method_settings(*, actor, method: Method, is_restricted=None, sharing=None,
                           shared_with=None, related=None) -> Method:
    """Stewards of the home community restrict editing and share the page; members who may
    edit it link related methods."""
    standings = policy.method_standings(actor, method)
    steward = policy.may_steward_method(method, standings)
    if (is_restricted is not None or sharing is not None or shared_with is not None) \
            and not steward:
        raise NotAllowed("only the stewards of its community share or restrict a method")
    if related is not None and not policy.may_edit_method(method, standings):
        raise NotAllowed("only its editors link methods")
    if sharing is not None and sharing not in Sharing.values:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"sharing": [choose_one_of(Sharing.values)]})
    if is_restricted is not None:
        method.is_restricted = bool(is_restricted)
    if sharing is not None:
        method.sharing = sharing
    method.save(update_fields=["is_restricted", "sharing"])
    if shared_with is not None:
        _share(actor, method, shared_with)
    if related is not None:
        _relate(actor, method, related)
    index_method(method)  # who may find it may have changed
    record_activity(actor=actor, verb=Verb.METHOD_SETTINGS, community=method.community,
                    target=method)
    return method


def _share(actor, method: Method, communities) -> None:
    """Share only with communities the steward belongs to: sharing is an invitation to them."""
    wanted = [c for c in communities if c.pk != method.community_id]
    for community in wanted:
        if policy.standing_of(actor, community) not in policy.MEMBER_STANDINGS | {
                policy.Standing.ADMIN}:
            raise ActionError(_("Please correct the marked fields."), fields={
                "shared_with": [_("You can share only with communities you belong to.")]})
    method.shared_with.set(wanted)


def _relate(actor, method: Method, others) -> None:
    others = [other for other in others if other.pk != method.pk]
    if len(others) > MAX_RELATED:
        raise ActionError(_("Please correct the marked fields."), fields={
            "related": [_("Link at most %(max)d methods.") % {"max": MAX_RELATED}]})
    for other in others:
        if not policy.can_read_method(other, policy.method_standings(actor, other)):
            raise NotAllowed("no such method", hide=True)
    method.related.set(others)  # symmetrical: each lists the other


def _clean_story(title, outcome, parts: dict) -> tuple[str, dict]:
    errors: dict[str, list[str]] = {}
    title = _text(title)
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        errors["title"] = [_("Write a title of %(min)d to %(max)d characters.") % {
            "min": MIN_TITLE, "max": MAX_TITLE}]
    if outcome not in Outcome.values:
        errors["outcome"] = [choose_one_of(Outcome.values)]
    cleaned = {}
    for name, _label in STORY_PARTS:
        cleaned[name] = _text(parts.get(name, ""))
        if len(cleaned[name]) > MAX_STORY_PART:
            errors[name] = [_("Keep each part under %(max)d characters.") % {
                "max": MAX_STORY_PART}]
        elif not cleaned[name] and name != "differently":
            errors[name] = [_("This part of the story is needed.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return title, cleaned


def _member_community(actor, method: Method, community):
    """The community a contribution is made in: one of the method's that the actor belongs to."""
    standings = policy.method_standings(actor, method)
    if not policy.can_read_method(method, standings):
        raise NotAllowed("cannot read this method", hide=True)
    candidates = [method.community, *method.shared_with.all()]
    if community is None:
        community = next((c for c in candidates
                          if standings[c.pk] in policy.MEMBER_STANDINGS), None)
    if community is None or standings.get(community.pk) not in (
            policy.MEMBER_STANDINGS | {policy.Standing.ADMIN}):
        raise NotAllowed("only members of the method's communities add to it")
    return community


@transaction.atomic
def do_tell_story(*, actor, method: Method, title: str, outcome: str, community=None,
                  **parts) -> Story:
    community = _member_community(actor, method, community)
    title, parts = _clean_story(title, outcome, parts)
    story = Story.objects.create(method=method, community=community, author=actor,
                                 title=title, outcome=outcome, **parts)
    index_story(story)
    record_activity(actor=actor, verb=Verb.STORY_TOLD, community=community, target=story,
                    payload={"method": method.pk, "outcome": outcome})
    return story


@transaction.atomic
def do_edit_story(*, actor, story: Story, title: str, outcome: str, **parts) -> Story:
    """Rewrite a story (its author, or a steward of its community); the earlier text of each
    changed part stays in its history."""
    standings = policy.method_standings(actor, story.method)
    if not policy.can_read_method(story.method, standings):
        raise NotAllowed("cannot read this method", hide=True)
    if not policy.may_edit_story(actor, story, standings):
        raise NotAllowed("only its author or a steward edits a story")
    title, parts = _clean_story(title, outcome, parts)
    story = Story.objects.select_for_update().select_related("method").get(pk=story.pk)
    values = {"title": title, "outcome": outcome, **parts}
    changed = [name for name, value in values.items() if getattr(story, name) != value]
    if not changed:
        return story
    record_revision(story, fields=changed, actor=actor)
    for name in changed:
        setattr(story, name, values[name])
    story.save()
    index_story(story)
    record_activity(actor=actor, verb=Verb.STORY_EDITED, community=story.community,
                    target=story, payload={"fields": changed})
    if story.author_id != actor.pk:  # a steward rewrote someone's story: moderation
        record_audit(actor=actor, verb=Verb.STORY_EDITED, target=story, community=story.community,
                     details={"fields": changed})
    return story


@transaction.atomic
def do_comment_story(*, actor, story: Story, body: str) -> StoryComment:
    _member_community(actor, story.method, story.community)
    body = _text(body)
    if not body or len(body) > MAX_STORY_PART:
        raise ActionError(_("Please correct the marked fields."), fields={"body": [
            _("Write a comment of up to %(max)d characters.") % {"max": MAX_STORY_PART}]})
    comment = StoryComment.objects.create(story=story, author=actor, body=body)
    record_activity(actor=actor, verb=Verb.STORY_COMMENTED, community=story.community,
                    target=comment, payload={"story": story.pk, "story_author": story.author_id})
    return comment


@transaction.atomic
def do_set_practitioner(*, actor, method: Method, uses: bool, note: str = "",
                        willing_to_share: bool = True) -> Practitioner | None:
    """Add oneself (or update, or remove) as someone who uses this method."""
    community = _member_community(actor, method, None)
    if not uses:
        Practitioner.objects.filter(method=method, user=actor).delete()
        return None
    note = _text(note)
    if len(note) > 500:
        raise ActionError(_("Please correct the marked fields."), fields={
            "note": [_("Keep the note under 500 characters.")]})
    practitioner, created = Practitioner.objects.update_or_create(
        method=method, user=actor, defaults={"note": note,
                                             "willing_to_share": bool(willing_to_share)})
    if created:
        record_activity(actor=actor, verb=Verb.PRACTITIONER_ADDED, community=community,
                        target=method, payload={"willing_to_share": bool(willing_to_share)})
    return practitioner

"""Writing, extending, publishing and corroborating value-creation stories; approving wider
visibility; confirming or dismissing the drafts the platform proposed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.conversations import search
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.page_cache import community_scope, expire, scope_of
from cultivate.evaluation.cycles import KEYS
from cultivate.evaluation.stories import evidence as links
from cultivate.evaluation.stories.models import (
    MAX_STEP,
    MAX_TITLE,
    Corroboration,
    Evidence,
    StoryStatus,
    StoryStep,
    StoryVisibility,
    ValueStory,
)
from cultivate.people.models import User
from cultivate.policy import Can

MIN_TITLE = 3
MAX_CONSENT = 300
MAX_CORROBORATION = 500


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _flag(value) -> bool:
    return str(value or "").lower() in ("1", "true", "on", "yes")


def access_story(user, slug: str, story_id) -> tuple[ValueStory, object]:
    """The story and the reader's standing, or NotAllowed (404) when they may not read it."""
    community, standing = policy.access_community(user, slug, Can.SEE)
    if not str(story_id).isdigit() or int(story_id) > 2**62:
        raise NotAllowed("no such story", hide=True)
    story = (ValueStory.objects.select_related("community", "teller", "written_by")
             .filter(pk=int(story_id), community=community).first())
    if story is None or not policy.may_read_value_story(user, standing, story):
        raise NotAllowed("no such story", hide=True)
    return story, standing


def _check_values(actor, community, standing, values: dict, story: ValueStory | None,
                  host: str = "") -> dict:
    errors: dict[str, list[str]] = {}
    title = _text(values.get("title"))
    if len(title) < MIN_TITLE:
        errors["title"] = [_("Give the story a title of at least %(min)s characters.")
                           % {"min": MIN_TITLE}]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title to %(max)s characters.") % {"max": MAX_TITLE}]
    visibility = _text(values.get("visibility")) or StoryVisibility.COMMUNITY
    if visibility not in StoryVisibility.values:
        errors["visibility"] = [choose_one_of(StoryVisibility.values)]
    teller, consent = _teller(actor, community, standing, values, story, errors)
    steps = {}
    for cycle in KEYS:
        text = _text(values.get(f"{cycle}_text"))
        aspirational = _flag(values.get(f"{cycle}_aspirational"))
        evidence_text = str(values.get(f"{cycle}_evidence") or "")
        if len(text) > MAX_STEP:
            errors[f"{cycle}_text"] = [_("Keep it to %(max)s characters.") % {"max": MAX_STEP}]
        if aspirational and not text:
            errors[f"{cycle}_text"] = [_("Say what you hope will happen in this cycle.")]
        found = _evidence(actor, story, cycle, evidence_text, errors, host)
        if text or found:
            steps[cycle] = (text, aspirational, found)
    if not steps and "title" not in errors:
        errors["immediate_text"] = [_("Tell at least one cycle of the story.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return {"title": title, "visibility": visibility, "teller": teller, "consent": consent,
            "steps": steps}


def _teller(actor, community, standing, values, story, errors):
    """Whose story it is: the author's own, or a member's told by a facilitator with consent."""
    username = _text(values.get("teller"))
    current = story.teller if story else None
    if not username or username == actor.username:
        return (current if story and current and current != actor else actor), ""
    if Can.WRITE_STORY_FOR_OTHERS not in policy.allowed(standing, community):
        errors["teller"] = [_("Only facilitators and conveners write a story on someone's "
                              "behalf.")]
        return actor, ""
    teller = User.objects.filter(username=username, memberships__community=community).first()
    if teller is None:
        errors["teller"] = [_("%(name)s is not a member of this community.")
                            % {"name": username[:60]}]
        return actor, ""
    consent = _text(values.get("consent_note"))
    if not consent and not (story and story.teller_id == teller.pk and story.consent_recorded_at):
        errors["consent_note"] = [_("Record how %(name)s agreed to have their story told "
                                    "(e.g. “by email on 3 December”).")
                                  % {"name": teller.public_name}]
    elif len(consent) > MAX_CONSENT:
        errors["consent_note"] = [_("Keep it to %(max)s characters.") % {"max": MAX_CONSENT}]
    return teller, consent


def _evidence(actor, story, cycle, text, errors, host="") -> list:
    lines = links.parse_lines(text)
    if len(lines) > links.MAX_LINKS:
        errors[f"{cycle}_evidence"] = [_("At most %(max)s links per cycle.")
                                       % {"max": links.MAX_LINKS}]
        return []
    kept = {}
    if story is not None:
        kept = {e.url: e for e in Evidence.objects.filter(step__story=story, step__cycle=cycle)}
    found, problems = [], []
    for label, url in lines:
        if url in kept:  # already linked: kept as it is, even if its target is gone since
            found.append(kept[url])
            continue
        try:
            found.append(links.resolve_link(actor, label, url, host=host))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        errors[f"{cycle}_evidence"] = problems
    return found


@transaction.atomic
def do_save_story(*, actor, community, values: dict, story: ValueStory | None = None,
                  publish: bool = False, host: str = "") -> ValueStory:
    standing = policy.standing_of(actor, community)
    if story is None:
        policy.check(standing, Can.WRITE_VALUE_STORY, community)
    elif not policy.may_edit_value_story(actor, standing, story):
        raise NotAllowed("not your story")
    checked = _check_values(actor, community, standing, values, story, host)
    now = timezone.now()
    if story is None:
        story = ValueStory(community=community, written_by=actor, created_at=now)
    was_published = story.status == StoryStatus.PUBLISHED
    if story.visibility != checked["visibility"]:
        story.visibility_approved_by, story.visibility_approved_at = None, None
    story.title, story.visibility, story.teller = (checked["title"], checked["visibility"],
                                                   checked["teller"])
    if checked["consent"]:
        story.consent_note, story.consent_recorded_at = checked["consent"], now
    elif story.teller_id == actor.pk:
        story.consent_note, story.consent_recorded_at = "", None
    if story.visibility != StoryVisibility.COMMUNITY and story.visibility_approved_at is None \
            and Can.APPROVE_STORY_VISIBILITY in policy.allowed(standing, community):
        story.visibility_approved_by, story.visibility_approved_at = actor, now
    if publish or story.status == StoryStatus.PROPOSED:
        story.status = StoryStatus.PUBLISHED if publish else StoryStatus.DRAFT
    if story.status == StoryStatus.PUBLISHED and not story.published_at:
        story.published_at = now
    story.save()
    _save_steps(story, checked["steps"], actor)
    if story.status == StoryStatus.PUBLISHED and not was_published:
        record_activity(actor=story.teller or actor, verb=Verb.VALUE_STORY_PUBLISHED,
                        community=community, target=story)
    else:
        expire(community_scope(story.community_id), scope_of(story))
    index_story(story)
    return story


def _save_steps(story, steps: dict, actor) -> None:
    existing = {step.cycle: step for step in story.steps.all()}
    for cycle, step in existing.items():
        if cycle not in steps:
            step.delete()
    for cycle, (text, aspirational, found) in steps.items():
        step = existing.get(cycle) or StoryStep(story=story, cycle=cycle)
        step.text, step.aspirational = text, aspirational
        step.save()
        keep = [item.pk for item in found if isinstance(item, Evidence)]
        step.evidence.exclude(pk__in=keep).delete()
        for item in found:
            if isinstance(item, links.Link):
                Evidence.objects.create(step=step, label=item.label, url=item.url,
                                        added_by=actor, **links.target_of(item))


@transaction.atomic
def do_publish(*, actor, story: ValueStory) -> ValueStory:
    standing = policy.standing_of(actor, story.community)
    if not policy.may_edit_value_story(actor, standing, story):
        raise NotAllowed("not your story")
    if story.status == StoryStatus.PUBLISHED:
        raise Conflict(_("This story is published already."), code="published")
    story.status, story.published_at = StoryStatus.PUBLISHED, timezone.now()
    story.save(update_fields=["status", "published_at", "updated_at"])
    record_activity(actor=story.teller or actor, verb=Verb.VALUE_STORY_PUBLISHED,
                    community=story.community, target=story)
    index_story(story)
    return story


@transaction.atomic
def do_dismiss(*, actor, story: ValueStory) -> None:
    """A proposed draft the teller does not want: kept as dismissed so it is not proposed again."""
    standing = policy.standing_of(actor, story.community)
    if story.status != StoryStatus.PROPOSED or not policy.may_edit_value_story(actor, standing,
                                                                                story):
        raise NotAllowed("not a proposal of yours")
    story.status = StoryStatus.DISMISSED
    story.save(update_fields=["status", "updated_at"])
    expire(community_scope(story.community_id), scope_of(story))


@transaction.atomic
def do_corroborate(*, actor, story: ValueStory, step_id, note: str = "") -> Corroboration:
    standing = policy.standing_of(actor, story.community)
    policy.check(standing, Can.CORROBORATE, story.community)
    if story.status != StoryStatus.PUBLISHED:
        raise Conflict(_("Only published stories can be corroborated."), code="not_published")
    if actor.pk in (story.teller_id, story.written_by_id):
        raise ActionError(_("Someone other than the teller corroborates a step."),
                          code="own_story")
    step = story.steps.filter(pk=int(step_id) if str(step_id).isdigit() else 0).first()
    if step is None:
        raise ActionError(_("No such step."), code="no_step", fields={"step": [_("No such step.")]})
    if step.aspirational:
        raise ActionError(_("An aspiration cannot be corroborated until it happens."),
                          code="aspirational")
    note = _text(note)
    if len(note) > MAX_CORROBORATION:
        message = _("Keep it to %(max)s characters.") % {"max": MAX_CORROBORATION}
        raise ActionError(message, fields={"note": [message]})
    corroboration, created = Corroboration.objects.update_or_create(
        step=step, user=actor, defaults={"note": note})
    if created:
        record_activity(actor=actor, verb=Verb.STEP_CORROBORATED, community=story.community,
                        target=story, payload={"step": step.cycle})
    return corroboration


@transaction.atomic
def do_decide_visibility(*, actor, story: ValueStory, approve: bool) -> ValueStory:
    standing = policy.standing_of(actor, story.community)
    policy.check(standing, Can.APPROVE_STORY_VISIBILITY, story.community)
    if story.visibility == StoryVisibility.COMMUNITY or story.visibility_approved_at:
        raise Conflict(_("Nothing waits for approval on this story."), code="nothing_to_approve")
    if approve:
        story.visibility_approved_by, story.visibility_approved_at = actor, timezone.now()
    else:
        story.visibility = StoryVisibility.COMMUNITY
    story.save(update_fields=["visibility", "visibility_approved_by", "visibility_approved_at",
                              "updated_at"])
    expire(community_scope(story.community_id), scope_of(story))
    index_story(story)
    return story


def index_story(story: ValueStory) -> None:
    """Published stories are found by the one search, scoped as widely as they may be read."""
    if story.status != StoryStatus.PUBLISHED:
        search.remove_document("value_story", story.pk)
        return
    public = story.effective_visibility == StoryVisibility.PUBLIC
    if not public and story.community.visibility == "public":
        # Search scopes rows by who reads the community; in a public community that is
        # everyone, but the story is for its members: leave it out of the search.
        search.remove_document("value_story", story.pk)
        return
    body = "\n\n".join(step.text for step in story.steps.all())
    search.index_document("value_story", story.pk, title=story.title, body=body,
                          url=story_path(story), community_ids=[story.community_id],
                          public=public, language=story.community.main_language)


def story_path(story) -> str:
    from django.urls import reverse

    return reverse("evaluation:story", kwargs={"slug": story.community.slug,
                                                "story_id": story.pk})

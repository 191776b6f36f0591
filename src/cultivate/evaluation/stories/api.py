"""JSON routes of value-creation stories, over the same actions and queries as the pages."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cultivate import policy
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.evaluation.cycles import KEYS
from cultivate.evaluation.stories import actions, queries
from cultivate.policy import Can

router = Router(tags=["value creation"])


class ValueEvidenceOut(Schema):
    label: str
    url: str
    on_this_site: bool
    removed: bool


class ValueCorroborationOut(Schema):
    by: str
    note: str
    created_at: datetime


class ValueStepOut(Schema):
    id: int
    cycle: str
    text: str
    text_html: str
    aspirational: bool
    evidence: list[ValueEvidenceOut]
    corroborations: list[ValueCorroborationOut]


class ValueStoryOut(Schema):
    id: int
    community: str
    title: str
    teller: str | None
    written_by: str | None
    consent_recorded_at: datetime | None
    status: str
    visibility: str = Field(description="What the author asked for.")
    effective_visibility: str = Field(description="Who may read it now (wider only once "
                                                  "a facilitator approved).")
    published_at: datetime | None
    url: str
    steps: list[ValueStepOut]


class ValueStepIn(Schema):
    cycle: str = Field(description="immediate, potential, applied, realized or reframing")
    text: str = ""
    aspirational: bool = False
    evidence: list[str] = Field(default_factory=list,
                                description="Links: pages of this site or https addresses, "
                                            "optionally as 'label | link'.")


class ValueStoryIn(Schema):
    title: str
    visibility: str = "community"
    teller: str = Field("", description="Username of the member whose story it is "
                                        "(facilitators and conveners; needs consent_note).")
    consent_note: str = ""
    steps: list[ValueStepIn]
    publish: bool = False


class CorroborateIn(Schema):
    note: str = ""


class VisibilityDecisionIn(Schema):
    approve: bool


def _out(story) -> dict:
    return _described(queries.story_with_steps(story))


def _described(story) -> dict:
    """A story read with queries.stories_with_steps."""
    return {
        "id": story.pk, "community": story.community.slug, "title": story.title,
        "teller": story.teller.username if story.teller else None,
        "written_by": story.written_by.username if story.written_by else None,
        "consent_recorded_at": story.consent_recorded_at, "status": story.status,
        "visibility": story.visibility, "effective_visibility": story.effective_visibility,
        "published_at": story.published_at, "url": actions.story_path(story),
        "steps": [{"id": s.pk, "cycle": s.cycle, "text": s.text, "text_html": s.text_html,
                   "aspirational": s.aspirational,
                   "evidence": [{"label": e.label, "url": e.url,
                                 "on_this_site": e.target_type_id is not None,
                                 "removed": e.removed} for e in s.evidence.all()],
                   "corroborations": [{"by": c.user.username, "note": c.note,
                                       "created_at": c.created_at}
                                      for c in s.corroborations.all()]}
                  for s in story.steps.all()]}


def _values(payload: ValueStoryIn) -> dict:
    values = {"title": payload.title, "visibility": payload.visibility,
              "teller": payload.teller, "consent_note": payload.consent_note}
    for step in payload.steps:
        if step.cycle not in KEYS:
            message = f"Choose one of: {', '.join(KEYS)}."
            raise ActionError(message, fields={"steps": [message]})
        values[f"{step.cycle}_text"] = step.text
        values[f"{step.cycle}_aspirational"] = step.aspirational
        values[f"{step.cycle}_evidence"] = "\n".join(step.evidence)
    return values


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


@router.get("/communities/{slug}/value-stories", response=list[ValueStoryOut],
            summary="Published value-creation stories you may read, and your drafts")
def list_stories(request: HttpRequest, slug: str):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    found = queries.community_stories(request.user, community, standing)
    stories = queries.stories_with_steps([*found["mine"], *found["published"][:50]])
    return [_described(story) for story in stories]


@router.get("/communities/{slug}/value-stories/{story_id}", response=ValueStoryOut)
def get_story(request: HttpRequest, slug: str, story_id: int):
    story, _standing = actions.access_story(request.user, slug, story_id)
    return _out(story)


@router.post("/communities/{slug}/value-stories", response={201: ValueStoryOut},
             summary="Write a value-creation story")
def write_story(request: HttpRequest, slug: str, payload: ValueStoryIn):
    actor = _signed_in(request)
    community, _standing = policy.access_community(actor, slug, Can.WRITE_VALUE_STORY)
    story = actions.do_save_story(actor=actor, community=community, values=_values(payload),
                                  publish=payload.publish, host=request.get_host())
    return Status(201, _out(story))


@router.put("/communities/{slug}/value-stories/{story_id}", response=ValueStoryOut,
            summary="Edit or extend a story (its steps are replaced by those given)")
def edit_story(request: HttpRequest, slug: str, story_id: int, payload: ValueStoryIn):
    actor = _signed_in(request)
    story, _standing = actions.access_story(actor, slug, story_id)
    story = actions.do_save_story(actor=actor, community=story.community,
                                  values=_values(payload), story=story,
                                  publish=payload.publish, host=request.get_host())
    return _out(story)


@router.post("/communities/{slug}/value-stories/{story_id}/publish", response=ValueStoryOut)
def publish_story(request: HttpRequest, slug: str, story_id: int):
    story, _standing = actions.access_story(_signed_in(request), slug, story_id)
    return _out(actions.do_publish(actor=request.user, story=story))


@router.post("/communities/{slug}/value-stories/{story_id}/dismiss", response={204: None},
             summary="Dismiss a story the platform proposed")
def dismiss_story(request: HttpRequest, slug: str, story_id: int):
    story, _standing = actions.access_story(_signed_in(request), slug, story_id)
    actions.do_dismiss(actor=request.user, story=story)
    return Status(204, None)


@router.post("/communities/{slug}/value-stories/{story_id}/steps/{step_id}/corroborate",
             response=ValueStoryOut, summary="Confirm a step of someone else's story")
def corroborate_step(request: HttpRequest, slug: str, story_id: int, step_id: int,
                     payload: CorroborateIn):
    story, _standing = actions.access_story(_signed_in(request), slug, story_id)
    actions.do_corroborate(actor=request.user, story=story, step_id=step_id, note=payload.note)
    return _out(story)


@router.post("/communities/{slug}/value-stories/{story_id}/visibility", response=ValueStoryOut,
             summary="Approve or decline reading beyond the community (stewards)")
def decide_visibility(request: HttpRequest, slug: str, story_id: int,
                      payload: VisibilityDecisionIn):
    story, _standing = actions.access_story(_signed_in(request), slug, story_id)
    return _out(actions.do_decide_visibility(actor=request.user, story=story,
                                             approve=payload.approve))

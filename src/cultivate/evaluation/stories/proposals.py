"""Stories that write their first draft: chains of evidence that already are a story, proposed
to the person involved as a draft to confirm, edit or dismiss. Nothing is published by itself.

A chain: something shared in the community (an answer, a method, a resource...) -> applied by a
member ("I applied this") -> their follow-up says it made a difference. Each chain is proposed
once (the story's proposal_key), whatever the teller then does with it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from cultivate.evaluation.applied import targets
from cultivate.evaluation.applied.models import AppliedKind, Difference, FollowUp
from cultivate.evaluation.stories.models import Evidence, StoryStatus, StoryStep, ValueStory

BATCH = 200


def propose_story_drafts() -> int:
    """Propose every chain not proposed yet; return how many stories were proposed."""
    taken = set(ValueStory.objects.exclude(proposal_key="").values_list("community_id",
                                                                        "proposal_key"))
    follow_ups = (FollowUp.objects.filter(difference=Difference.YES)
                  .select_related("applied__user", "applied__community")
                  .order_by("answered_at")[:5000])
    made = 0
    for follow_up in follow_ups:
        record = follow_up.applied
        key = f"applied:{record.pk}"
        if (record.community_id, key) in taken:
            continue
        target = targets.describe_many([record]).get(record.pk)
        if target is None:
            continue
        made += _propose(record, follow_up, target, key)
    return made


@transaction.atomic
def _propose(record, follow_up, target, key) -> int:
    if ValueStory.objects.filter(community=record.community, proposal_key=key).exists():
        return 0
    story = ValueStory.objects.create(
        community=record.community, teller=record.user, written_by=None,
        status=StoryStatus.PROPOSED, proposal_key=key,
        title=_("How “%(title)s” made a difference") % {"title": target.title[:150]})
    produced = _step(story, _first_cycle(record.kind), _produced_text(record.kind, target))
    _link(produced, target, record.kind)
    applied = _step(story, "applied", record.note or _("I applied it in my work."))
    _link_object(applied, record, _("My “I applied this”"), "")
    realized = _step(story, "realized", _realized_text(follow_up))
    _link_object(realized, follow_up, _("My follow-up answer"), "")
    return 1


def _first_cycle(kind: str) -> str:
    # An answer to a question is what happened; a method or resource is knowledge produced.
    return "immediate" if kind in (AppliedKind.POST, AppliedKind.LIVE_QUESTION) else "potential"


def _produced_text(kind: str, target) -> str:
    if kind in (AppliedKind.POST, AppliedKind.LIVE_QUESTION):
        return _("I asked, or read, “%(title)s” in the community and got an answer I "
                 "could use.") % {"title": target.title}
    return _("The community shared “%(title)s”.") % {"title": target.title}


def _realized_text(follow_up) -> str:
    text = follow_up.what_changed or _("It made a difference.")
    if follow_up.figure_value is not None:
        text += f" ({follow_up.get_figure_kind_display()}: {follow_up.figure_value.normalize()}"
        text += f" {follow_up.figure_unit})".rstrip() if follow_up.figure_unit else ")"
    if follow_up.for_whom:
        text += " " + _("For: %(whom)s.") % {"whom": follow_up.for_whom}
    return text


def _step(story, cycle, text) -> StoryStep:
    step = StoryStep(story=story, cycle=cycle, text=text)
    step.save()
    return step


def _link(step, target, kind) -> None:
    Evidence.objects.create(step=step, label=target.title[:200], url=target.url[:500],
                            target_type=ContentType.objects.get_for_model(target.obj),
                            target_id=target.obj.pk)


def _link_object(step, obj, label, url) -> None:
    Evidence.objects.create(step=step, label=str(label)[:200], url=url,
                            target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)

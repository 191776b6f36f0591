"""Pages of value-creation stories: the list, a story, write, edit and extend, publish,
corroborate, approve wider visibility, confirm or dismiss a proposed draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.core.forms import posted, show_action_error
from cultivate.evaluation.cycles import CYCLES
from cultivate.evaluation.stories import actions, queries
from cultivate.evaluation.stories.forms import StoryForm, initial_of
from cultivate.evaluation.stories.models import StoryStatus
from cultivate.policy import Can


@require_safe
def stories(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    verbs = policy.allowed(standing, community)
    return render(request, "evaluation/stories/list.html", {
        "community": community, **queries.community_stories(request.user, community, standing),
        "may_write": Can.WRITE_VALUE_STORY in verbs, "may_view_value": Can.VIEW_VALUE in verbs})


@require_safe
def story(request, slug, story_id):
    found, standing = actions.access_story(request.user, slug, story_id)
    found = queries.story_with_steps(found)
    verbs = policy.allowed(standing, found.community)
    steps = {step.cycle: step for step in found.steps.all()}
    may_edit = policy.may_edit_value_story(request.user, standing, found)
    return render(request, "evaluation/stories/detail.html", {
        "community": found.community, "story": found,
        "cycles": [(cycle, steps.get(cycle.key)) for cycle in CYCLES],
        "may_edit": may_edit,
        "may_corroborate": (Can.CORROBORATE in verbs and found.status == StoryStatus.PUBLISHED
                            and request.user.pk not in (found.teller_id, found.written_by_id)),
        "may_approve": (Can.APPROVE_STORY_VISIBILITY in verbs
                        and found.visibility != "community" and not found.visibility_approved_at),
        "corroborated_by_me": {c.step_id for step in found.steps.all()
                               for c in step.corroborations.all() if c.user_id == request.user.pk},
    })


@login_required
def write(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.WRITE_VALUE_STORY)
    return _story_form(request, community, standing, None)


@login_required
def edit(request, slug, story_id):
    found, standing = actions.access_story(request.user, slug, story_id)
    if not policy.may_edit_value_story(request.user, standing, found):
        raise policy.NotAllowed("not your story")
    return _story_form(request, found.community, standing, queries.story_with_steps(found))


def _story_form(request, community, standing, story):
    verbs = policy.allowed(standing, community)
    form = StoryForm(posted(request), initial=initial_of(story) if story else None,
                     may_tell_for_others=Can.WRITE_STORY_FOR_OTHERS in verbs)
    status = 200
    if request.method == "POST":
        try:
            # Read the raw values: a refused draft comes back exactly as typed.
            saved = actions.do_save_story(actor=request.user, community=community,
                                          values=request.POST, story=story,
                                          publish="publish" in request.POST,
                                          host=request.get_host())
        except ActionError as error:
            form.is_valid()
            show_action_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Published.") if saved.status == StoryStatus.PUBLISHED
                             else _("Saved as a draft."))
            return redirect("evaluation:story", slug=community.slug, story_id=saved.pk)
    return render(request, "evaluation/stories/form.html", {
        "community": community, "story": story, "form": form}, status=status)


@require_POST
@login_required
def publish(request, slug, story_id):
    found, _standing = actions.access_story(request.user, slug, story_id)
    _carry_out(request, lambda: actions.do_publish(actor=request.user, story=found),
               _("Published."))
    return redirect("evaluation:story", slug=slug, story_id=found.pk)


@require_POST
@login_required
def dismiss(request, slug, story_id):
    found, _standing = actions.access_story(request.user, slug, story_id)
    actions.do_dismiss(actor=request.user, story=found)
    messages.success(request, _("Dismissed: it will not be proposed again."))
    return redirect("evaluation:stories", slug=slug)


@require_POST
@login_required
def corroborate(request, slug, story_id, step_id):
    found, _standing = actions.access_story(request.user, slug, story_id)
    _carry_out(request, lambda: actions.do_corroborate(
        actor=request.user, story=found, step_id=step_id, note=request.POST.get("note", "")),
        _("Thank you: your corroboration is shown with the step."))
    return redirect("evaluation:story", slug=slug, story_id=found.pk)


@require_POST
@login_required
def decide_visibility(request, slug, story_id):
    found, _standing = actions.access_story(request.user, slug, story_id)
    approve = request.POST.get("decision") == "approve"
    _carry_out(request, lambda: actions.do_decide_visibility(actor=request.user, story=found,
                                                             approve=approve),
               _("Approved.") if approve else _("Kept within the community."))
    return redirect("evaluation:story", slug=slug, story_id=found.pk)


def _carry_out(request, action, done: str) -> None:
    try:
        action()
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)

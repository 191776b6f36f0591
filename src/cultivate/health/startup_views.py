"""The start-up guide's page: one step at a time, each with its own small form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.health import plans, startup
from cultivate.policy import Can


def _render(request, community, *, errors=None, values=None, status=200):
    guide, steps = startup.steps(community)
    today = timezone.localdate()
    return render(request, "health/startup.html", {
        "community": community, "guide": guide, "steps": steps,
        "current": next((s for s in steps if s.current), None),
        "position": next((i for i, s in enumerate(steps, 1) if s.current), len(steps)),
        "errors": errors or {}, "values": values or {}, "form": "start",
        "indicators": plans.indicator_choices(community),
        "default_start": today.isoformat(),
        "default_end": today.replace(year=today.year + 1).isoformat()}, status=status)


@login_required
def guide(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.EDIT)
    if request.method != "POST":
        return _render(request, community)
    action = str(request.POST.get("step", ""))[:10]
    try:
        if request.POST.get("skip"):
            startup.do_skip(actor=request.user, community=community, step=action)
        elif action == "case":
            startup.do_save_case(actor=request.user, community=community, values=request.POST)
        elif action == "core":
            sent = startup.do_invite_core_group(
                actor=request.user, community=community,
                emails=str(request.POST.get("emails", ""))[:5000],
                message=str(request.POST.get("message", ""))[:2000])
            messages.success(request, _("%(n)d invitations sent.") % {"n": sent})
        elif action == "plan":
            plans.do_start_plan(actor=request.user, community=community, values=request.POST)
        else:
            raise ActionError(_("No such step."), fields={"step": [_("No such step.")]})
    except ActionError as error:
        return _render(request, community, errors=error.fields, values=request.POST,
                       status=error.status)
    startup.steps(community)  # keep the step the convener is on now
    return redirect("health:startup", slug=slug)

"""Pages of "I applied this": record it (one click, then an optional sentence), the follow-up
form, and a member's own records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cultivate.core.errors import ActionError
from cultivate.core.forms import posted, show_action_error
from cultivate.evaluation.applied import actions, queries, targets
from cultivate.evaluation.applied.forms import AppliedNoteForm, FollowUpForm


@login_required
def apply(request, kind, target_id):
    """GET: the form with an optional note; POST: record (or change the note, or withdraw)."""
    if kind not in targets.MODELS:
        raise Http404("nothing to apply here")
    target = actions.appliable(request.user, kind, target_id)
    record = queries.record_of(request.user, kind, target.obj.pk)
    form = AppliedNoteForm(posted(request),
                           initial={"note": record.note if record else ""})
    status = 200
    if request.method == "POST":
        if request.POST.get("withdraw"):
            actions.do_withdraw_applied(actor=request.user, kind=kind, target_id=target.obj.pk)
            messages.success(request, _("You no longer say you applied it."))
            return HttpResponseRedirect(target.url)
        if form.is_valid():
            try:
                was_new = record is None
                record = actions.do_record_applied(actor=request.user, kind=kind,
                                                   target_id=target.obj.pk,
                                                   note=form.cleaned_data["note"])
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                if was_new and "note" not in request.POST:
                    messages.success(request, _("Recorded. Add a sentence on how you used it?"))
                    return HttpResponseRedirect(request.path)
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(_back(request, target.url))
        else:
            status = 400
    return render(request, "evaluation/applied/apply.html", {
        "target": target, "record": record, "form": form,
        "kind_label": actions.kind_label(kind),
        "weeks": actions.follow_up_delay().days // 7}, status=status)


def _back(request, fallback: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return fallback


@login_required
def follow_up(request, record_id):
    record = actions.own_record(request.user, record_id)
    target = targets.describe_many([record]).get(record.pk)
    existing = getattr(record, "follow_up", None) if hasattr(record, "follow_up") else None
    initial = {}
    if existing:
        initial = {"difference": existing.difference, "what_changed": existing.what_changed,
                   "for_whom": existing.for_whom, "figure_kind": existing.figure_kind,
                   "figure_value": existing.figure_value or "",
                   "figure_unit": existing.figure_unit, "may_quote": existing.may_quote}
    form = FollowUpForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_answer_follow_up(actor=request.user, record_id=record.pk,
                                            values=form.cleaned_data)
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Thank you: your answer is recorded as evidence "
                                            "of the value the community creates."))
                return HttpResponseRedirect("/me/applied/")
        else:
            status = 400
    return render(request, "evaluation/applied/follow_up.html", {
        "record": record, "target": target, "form": form, "existing": existing},
        status=status)


@require_safe
@login_required
def my_applied(request):
    return render(request, "evaluation/applied/mine.html",
                  {"records": queries.records_of(request.user)})

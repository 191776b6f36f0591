"""A member's own level with the reasons, and the facilitators' thresholds form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.core.forms import show_action_error
from cultivate.insights import actions, as_of, level_queries
from cultivate.insights.actions import LIMITS
from cultivate.insights.rules import KIND_LABELS, KINDS
from cultivate.policy import Can


@login_required
@require_safe
def my_level(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    as_of_error = ""
    try:
        explained = level_queries.explain(request.user, community, request.GET.get("as_of"))
    except as_of.BadDate as error:  # the default date's level, with the date field's error
        explained, as_of_error = level_queries.explain(request.user, community), error.message
    return render(request, "insights/my_level.html", {
        "community": community, "explained": explained,
        "descriptions": level_queries.level_descriptions(),
        "as_of": explained.as_of, "as_of_error": as_of_error, "today": as_of.today(),
        "can_tune": Can.TUNE_LEVELS in policy.allowed(standing, community)},
        status=400 if as_of_error else 200)


class LevelRulesForm(forms.Form):
    window_days = forms.IntegerField(label=gettext_lazy("Window (days)"),
                                     help_text=gettext_lazy("Activity older than this does "
                                                            "not count."))
    core_score = forms.IntegerField(label=gettext_lazy("Core group from score"))
    core_weeks = forms.IntegerField(
        label=gettext_lazy("Core group: active in at least this many weeks of the window"))
    active_score = forms.IntegerField(label=gettext_lazy("Active from score"))
    occasional_score = forms.IntegerField(label=gettext_lazy("Occasional from score"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in LIMITS.items():
            self.fields[name].min_value = low
            self.fields[name].widget.attrs.update(min=low, max=high)


@login_required
@require_http_methods(["GET", "POST"])
def level_rules(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.TUNE_LEVELS)
    current = level_queries.thresholds_of(community)
    form = LevelRulesForm(request.POST or None, initial=current.__dict__)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_set_level_rules(actor=request.user, community=community,
                                           **form.cleaned_data)
            except ActionError as error:
                show_action_error(form, error)
            else:
                messages.success(request, _("Saved. Levels are being recomputed."))
                return redirect("insights:level-rules", slug=community.slug)
        status = 400
    weights = [{"label": KIND_LABELS[kind], "weight": weight} for kind, (weight, _v)
               in KINDS.items()]
    return render(request, "insights/level_rules.html", {
        "community": community, "form": form, "weights": weights}, status=status)

"""Pulse survey pages: send one and read the results (stewards; sponsors read), answer one in
the app (members) or from the mail's link (no sign-in needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.health import pulse
from cultivate.health.models import PulseSurvey
from cultivate.policy import Can


def _surveys_page(request, community, standing, *, errors=None, values=None, status=200):
    verbs = policy.allowed(standing, community)
    surveys = list(PulseSurvey.objects.filter(community=community)[:12])
    return render(request, "health/pulse.html", {
        "community": community, "may_send": Can.SEND_PULSE in verbs,
        "surveys": [(survey, pulse.results(survey)) for survey in surveys],
        "open_survey": next((s for s in surveys if s.is_open), None),
        "errors": errors or {}, "values": values or {}, "days": pulse.DEFAULT_DAYS,
        "default_question": PulseSurvey._meta.get_field("open_question").get_default(),
        "statements": pulse.STATEMENTS}, status=status)


def surveys(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.VIEW_HEALTH)
    return _surveys_page(request, community, standing)


@require_POST
@login_required
def send(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.SEND_PULSE)
    values = {"open_question": str(request.POST.get("open_question", ""))[:1000],
              "days": str(request.POST.get("days", ""))[:5]}
    try:
        survey = pulse.do_send_pulse(actor=request.user, community=community, **values)
    except ActionError as error:
        return _surveys_page(request, community, standing,
                             errors={**error.fields, "general": [error.message]},
                             values=values, status=error.status)
    messages.success(request, _("The survey is open until %(date)s; members are told in the "
                                "app and by mail.") % {"date": survey.closes_at.date()})
    return redirect("health:pulse", slug=slug)


def _survey(community, survey_id) -> PulseSurvey:
    survey = PulseSurvey.objects.filter(pk=survey_id, community=community).first()
    if survey is None:
        raise NotAllowed("no such survey", hide=True)
    return survey


def _answer_page(request, survey, person, *, action: str):
    errors, status = {}, 200
    if request.method == "POST":
        try:
            pulse.do_answer_pulse(actor=person, survey=survey, values=request.POST)
        except ActionError as error:
            errors, status = error.fields or {"general": [error.message]}, error.status
        else:
            return render(request, "health/pulse_thanks.html", {"community": survey.community})
    return render(request, "health/pulse_answer.html", {
        "community": survey.community, "survey": survey, "action": action,
        "answered": pulse.has_answered(survey, person), "errors": errors,
        "values": request.POST, "statements": pulse.STATEMENTS, "scale": pulse.SCALE},
        status=status)


@login_required
def answer(request, slug, survey_id):
    community, _standing = policy.access_community(request.user, slug, Can.ANSWER_PULSE)
    return _answer_page(request, _survey(community, survey_id), request.user,
                        action=request.path)


def answer_from_link(request, token):
    survey, person = pulse.read_answer_token(token)
    if request.user.is_authenticated and request.user != person:
        raise NotAllowed("this link is someone else's", hide=True)
    return _answer_page(request, survey, person, action=request.path)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from cultivate.communities.queries import memberships_visible_to
from cultivate.core.errors import ActionError
from cultivate.core.forms import show_action_error
from cultivate.core.i18n import offered
from cultivate.people import actions, queries
from cultivate.people.forms import ClaimDecisionForm, ClaimForm, ProfileForm, TokenForm
from cultivate.practice.queries import methods_used_by


@csrf_exempt  # a visitor's chooser is on shared cached pages, which hold no CSRF token
@require_POST
def choose_language(request):
    """The language chooser on every page: a cookie for visitors, also the account for members
    (whose pages are never shared, so their form carries a token and that part is protected)."""
    if request.user.is_authenticated:
        return _choose_account_language(request)
    return set_language(request)  # checks the language and the address to go back to


@csrf_protect
def _choose_account_language(request):
    code = request.POST.get("language", "")
    if offered(code) and code != request.user.language:
        actions.do_update_profile(actor=request.user, language=code)
    return set_language(request)


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_profile(actor=request.user, **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("people:edit-profile")
    return render(request, "people/profile_form.html", {"form": form})


def profile(request, username):
    person = queries.profile(username)
    if person is None:
        raise Http404
    if person.merged_into is not None and person.merged_into.is_active:
        return redirect("people:profile", username=person.merged_into.username)
    return _render_profile(request, person)


def _render_profile(request, person, claim_form=None, status=200):
    context = {
        "person": person, "memberships": memberships_visible_to(request.user, person),
        "recent_topics": queries.recent_topics(request.user, person),
        "post_count": queries.post_count(request.user, person),
        "methods_used": methods_used_by(person, request.user),
    }
    if person.is_claimable and request.user.is_authenticated:
        context["my_claim"] = queries.pending_claim(request.user, person)
        context["claim_form"] = claim_form or ClaimForm()
    return render(request, "people/profile.html", context, status=status)


@require_POST
@login_required
def claim(request, username):
    person = queries.profile(username)
    if person is None:
        raise Http404
    form = ClaimForm(request.POST)
    if form.is_valid():
        try:
            actions.do_claim_account(actor=request.user, placeholder=person,
                                     evidence=form.cleaned_data["evidence"])
        except ActionError as error:
            if not error.fields:  # not about the text: nothing to correct on the form
                messages.error(request, error.message)
                return redirect("people:profile", username=person.username)
            show_action_error(form, error)
        else:
            messages.success(request, _("Your claim was sent. A reviewer will decide and you "
                                        "will get an e-mail."))
            return redirect("people:profile", username=person.username)
    return _render_profile(request, person, claim_form=form, status=400)


@login_required
def claims(request):
    return render(request, "people/claims.html", {
        "to_decide": queries.claims_to_decide(request.user),
        "own": queries.own_claims(request.user), "decision_form": ClaimDecisionForm()})


def claims_nav(request):
    """The header's link to the claims page (htmx), only for people with claims to see."""
    if not queries.has_claims_to_show(request.user):
        return HttpResponse("")
    return render(request, "people/_claims_nav.html")


@require_POST
@login_required
def decide_claim(request, claim_id):
    found = queries.visible_claim(request.user, claim_id)
    if found is None:
        raise Http404
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline; keep the message under 2000 "
                                  "characters."))
        return redirect("people:claims")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        actions.do_decide_claim(actor=request.user, claim=found, approve=approve,
                                message=form.cleaned_data["message"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        names = {"name": found.claimant.public_name, "account": found.placeholder.username}
        messages.success(request, (
            _("%(account)s now belongs to %(name)s.") if approve
            else _("You declined %(name)s's claim on %(account)s.")) % names)
    return redirect("people:claims")


@require_POST
@login_required
def withdraw_claim(request, claim_id):
    found = queries.visible_claim(request.user, claim_id)
    if found is None:
        raise Http404
    try:
        actions.do_withdraw_claim(actor=request.user, claim=found)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your claim was withdrawn."))
    if request.POST.get("next") == "profile":
        return redirect("people:profile", username=found.placeholder.username)
    return redirect("people:claims")


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = actions.do_create_access_token(
                actor=request.user, name=form.cleaned_data["name"])
        except ActionError as error:
            show_action_error(form, error)
        else:
            form = TokenForm()
    return render(request, "people/tokens.html", {
        "form": form, "tokens": queries.active_tokens(request.user), "new_secret": new_secret,
        "revoked_by_password": queries.tokens_revoked_by_password_change(request.user)})


@require_POST
@login_required
def revoke_token(request, token_id):
    actions.do_revoke_access_token(actor=request.user, token_id=token_id)
    messages.success(request, _("Token revoked. Scripts using it can no longer sign in."))
    return redirect("people:tokens")

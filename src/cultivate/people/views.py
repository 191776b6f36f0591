from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate.communities.queries import memberships_visible_to
from cultivate.core.errors import ActionError
from cultivate.core.forms import show_action_error
from cultivate.people import actions, queries
from cultivate.people.forms import ProfileForm, TokenForm


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
    memberships = memberships_visible_to(request.user, person)
    return render(request, "people/profile.html", {"person": person, "memberships": memberships})


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
        "form": form, "tokens": queries.active_tokens(request.user), "new_secret": new_secret})


@require_POST
@login_required
def revoke_token(request, token_id):
    actions.do_revoke_access_token(actor=request.user, token_id=token_id)
    messages.success(request, _("Token revoked. Scripts using it can no longer sign in."))
    return redirect("people:tokens")

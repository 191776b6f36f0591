"""Thin HTML views: parse input, ask the policy, call an action or a query, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.activity.actions import record_visit
from cultivate.activity.stream import community_stream
from cultivate.communities import actions, queries
from cultivate.communities.actions.invitations import mask_email
from cultivate.communities.forms import (
    CommunityForm,
    DecisionForm,
    InvitationForm,
    JoinRequestForm,
    RoleForm,
)
from cultivate.communities.models import JoinPolicy, Kind, Stage
from cultivate.core.errors import ActionError, NeedsConfirmation, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import LANDSCAPE, community_scope, depends_on
from cultivate.policy import Can

DIRECTORY_PAGE_SIZE = 24
STREAM_ON_HOME = 12


def directory(request):
    filters = queries.DirectoryFilters.from_params(request.GET)
    page_number = request.GET.get("page")
    depends_on(request, LANDSCAPE)
    results_html = cached_fragment(
        "directory", policy.visibility_scope(request.user), filters, page_number,
        scopes=(LANDSCAPE,),
        render=lambda: render_to_string("communities/_directory_results.html", {
            "filters": filters,
            "page": Paginator(queries.directory(request.user, filters),
                              DIRECTORY_PAGE_SIZE).get_page(page_number)}),
    )
    if request.htmx:
        return HttpResponse(results_html)
    filters_html = cached_fragment(
        "directory-filters", filters, scopes=(LANDSCAPE,), render=lambda: render_to_string(
            "communities/_directory_filters.html", {
                "filters": filters, "kinds": Kind.choices, "stages": Stage.choices,
                "tags": queries.tags_in_use()}))
    return render(request, "communities/directory.html", {
        "results_html": results_html, "filters_html": filters_html,
        "my_memberships": queries.communities_of(request.user)})


@login_required
def create(request):
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.action_values()
        values.pop("confirm_visibility", None)  # nothing is exposed by a new community
        try:
            community = actions.do_create_community(actor=request.user, **values)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Your community is started. The guide below takes you "
                                        "through the next steps."))
            return redirect("health:startup", slug=community.slug)
    return render(request, "communities/form.html", {"form": form, "creating": True})


def home(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    verbs = policy.allowed(standing, community)
    depends_on(request, community_scope(community.pk))
    context = {"community": community, "standing": standing, "can": {v.value for v in verbs},
               **_shared_home_parts(community, can_read=Can.READ in verbs)}
    if Can.DECIDE_REQUESTS in verbs:
        context["pending_count"] = queries.pending_request_count(community)
    if standing == "convener" and Can.LEAVE in verbs and queries.convener_count(community) < 2:
        context["can"].discard(Can.LEAVE.value)  # the last convener may not leave: no dead button
    context["join_form"] = JoinRequestForm() if Can.REQUEST_TO_JOIN in verbs else None
    if Can.READ in verbs:
        record_visit(user=request.user, community=community)
    return render(request, "communities/home.html", context)


def _shared_home_parts(community, *, can_read: bool) -> dict:
    """The parts of a home that look the same to everyone with the same access."""
    def fragment(name, template, context, *key):
        return cached_fragment(name, community.pk, *key,
                               scopes=(community_scope(community.pk),),
                               render=lambda: render_to_string(template, context()))

    parts = {
        "tags_html": fragment("home-tags", "communities/_home_tags.html",
                              lambda: {"tags": community.tags.all()}),
        "about_html": fragment("home-about", "communities/_home_about.html",
                               lambda: {"community": community, "can_read": can_read}, can_read),
    }
    if can_read:
        parts["people_html"] = fragment(
            "home-people", "communities/_home_people.html", lambda: {
                "community": community,
                "people": queries.members_page(community, 1, per_page=queries.PEOPLE_ON_HOME)[0]})
        parts["activity_html"] = fragment(
            "home-activity", "communities/_home_activity.html",
            lambda: {"activity": community_stream(community, limit=STREAM_ON_HOME)})
    return parts


@login_required
def edit(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.EDIT)
    form = CommunityForm(request.POST or None, initial=CommunityForm.initial_for(community))
    if Can.CHANGE_VISIBILITY not in policy.allowed(standing, community):
        form.lock_visibility()
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_community(actor=request.user, community=community,
                                        **form.action_values())
        except ActionError as error:
            show_action_error(form, error)
            needs_confirmation = isinstance(error, NeedsConfirmation)
        else:
            messages.success(request, _("Charter saved."))
            return redirect(community)
    return render(request, "communities/form.html", {
        "form": form, "community": community, "creating": False,
        "needs_confirmation": needs_confirmation})


@require_POST
@login_required
def join(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    try:
        if community.join_policy == JoinPolicy.REQUEST:
            form = JoinRequestForm(request.POST)
            message = form.cleaned_data["message"] if form.is_valid() else ""
            actions.do_request_to_join(actor=request.user, community=community, message=message)
            messages.success(request, _("Your request was sent to the conveners."))
        else:
            actions.do_join_community(actor=request.user, community=community)
            messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(community)


@require_POST
@login_required
def withdraw_request(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    try:
        actions.do_withdraw_join_request(actor=request.user, community=community)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect(community)


@require_POST
@login_required
def leave(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    try:
        actions.do_leave_community(actor=request.user, community=community)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(community)
    messages.success(request, _("You left %(name)s.") % {"name": community.name})
    return redirect("communities:directory")


def members(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    page_number = _page_number(request)
    can_manage = Can.MANAGE_MEMBERS in policy.allowed(standing, community)
    depends_on(request, community_scope(community.pk))

    def render_table(for_request=None) -> str:
        page_members, has_next = queries.members_page(community, page_number)
        return render_to_string("communities/_member_table.html", {
            "community": community, "members": page_members, "page_number": page_number,
            "has_next": has_next, "can_manage": can_manage, "role_form": RoleForm(),
        }, request=for_request)

    if can_manage:  # the management forms carry this person's CSRF token: never shared
        table_html = mark_safe(render_table(request))  # noqa: S308 - our own template
    else:
        table_html = cached_fragment("member-table", community.pk, page_number,
                                     scopes=(community_scope(community.pk),),
                                     render=render_table)
    return render(request, "communities/members.html",
                  {"community": community, "table_html": table_html})


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 100_000))
    except ValueError:
        return 1


def _member_or_404(community, user_id):
    membership = queries.membership_of(community, user_id)
    if membership is None:
        raise NotAllowed("no such member", hide=True)
    return membership


@require_POST
@login_required
def change_role(request, slug, user_id):
    community, _standing = policy.access_community(request.user, slug, Can.MANAGE_MEMBERS)
    membership = _member_or_404(community, user_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(_("Choose a role from the list."))
        actions.do_change_role(actor=request.user, membership=membership,
                               role=form.cleaned_data["role"])
        messages.success(request, _("%(name)s is now %(role)s.") % {
            "name": membership.user.public_name, "role": membership.get_role_display()})
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("communities:members", slug=community.slug)


@require_POST
@login_required
def remove_member(request, slug, user_id):
    community, _standing = policy.access_community(request.user, slug, Can.MANAGE_MEMBERS)
    membership = _member_or_404(community, user_id)
    try:
        actions.do_remove_member(actor=request.user, membership=membership)
        messages.success(request, _("%(name)s was removed from the community.") % {
            "name": membership.user.public_name})
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("communities:members", slug=community.slug)


@login_required
def requests(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.DECIDE_REQUESTS)
    if request.method == "POST":
        join_request = queries.pending_request(community, request.POST.get("request_id"))
        form = DecisionForm(request.POST)
        if join_request is None or not form.is_valid():
            messages.error(request, _("That request no longer exists or the form was incomplete."))
        else:
            _decide(request, join_request, form.cleaned_data)
        return redirect("communities:requests", slug=community.slug)
    return render(request, "communities/requests.html", {
        "community": community, "pending": queries.pending_requests(community),
        "decision_form": DecisionForm()})


def _decide(request, join_request, data) -> None:
    approve = data["decision"] == "approve"
    try:
        actions.do_decide_join_request(actor=request.user, join_request=join_request,
                                       approve=approve, response=data["response"])
    except ActionError as error:
        messages.error(request, error.message)
        return
    text = _("%(name)s is now a member.") if approve else _("You declined %(name)s's request.")
    messages.success(request, text % {"name": join_request.user.public_name})


@login_required
def invitations(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.INVITE)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.do_invite_member(actor=request.user, community=community,
                                                  **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {
                "email": invitation.email})
            return redirect("communities:invitations", slug=community.slug)
    return render(request, "communities/invitations.html", {
        "community": community, "form": form, "invitations": queries.invitations(community)})


@require_POST
@login_required
def revoke_invitation(request, slug, invitation_id):
    community, _standing = policy.access_community(request.user, slug, Can.INVITE)
    found = queries.invitation_in(community, invitation_id)
    if found is None:
        raise NotAllowed("no such invitation", hide=True)
    try:
        actions.do_revoke_invitation(actor=request.user, invitation=found)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {
            "email": found.email})
    return redirect("communities:invitations", slug=community.slug)


def invitation(request, token):
    found = actions.find_invitation(token)
    refusal, status = "", 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            actions.do_accept_invitation(actor=request.user, token=token)
        except ActionError as error:
            refusal, status = error.message, error.status
        else:
            messages.success(request, _("Welcome to %(name)s!") % {"name": found.community.name})
            return redirect(found.community)
    return render(request, "communities/invitation.html", {
        "invitation": found, "refusal": refusal, "masked_email": mask_email(found.email),
        "for_you": policy.has_verified_email(request.user, found.email),
        "email_settings_url": reverse("account_email"),
    }, status=status)


def invitation_signup(request, token):
    """Sign up with the invited address filled in, and come back to the invitation after."""
    found = actions.find_invitation(token)
    back = reverse("communities:invitation", kwargs={"token": token})
    query = urlencode({"email": found.email, "next": back})
    return redirect(f"{reverse('account_signup')}?{query}")

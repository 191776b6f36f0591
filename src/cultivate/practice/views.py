"""Pages of the methods wiki: lists, the method page, editing with conflict detection,
history with diffs, stories of use and who uses a method."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.communities.models import Community
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.policy import Can
from cultivate.practice import actions, queries
from cultivate.practice.forms import (
    CommentForm,
    MethodForm,
    MethodSettingsForm,
    PractitionerForm,
    StoryForm,
)
from cultivate.practice.models import SECTIONS


def landscape_methods(request):
    text = (request.GET.get("q") or "").strip()[:100]
    found = queries.readable_methods(request.user).select_related("community")
    if text:
        found = found.filter(title__icontains=text)
    page = Paginator(found.order_by("title"), queries.METHODS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "practice/landscape.html", {"page": page, "q": text})


def community_methods(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    text = (request.GET.get("q") or "").strip()[:100]
    tag = (request.GET.get("tag") or "").strip()[:60]
    page = Paginator(queries.methods_of(community, text=text, tag=tag),
                     queries.METHODS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "practice/community_methods.html", {
        "community": community, "page": page, "q": text, "tag": tag,
        "can_write": Can.START_TOPIC in policy.allowed(standing, community)})


@login_required
def new_method(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.START_TOPIC)
    form = MethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_version"}
        try:
            method = actions.do_create_method(actor=request.user, community=community, **data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            return redirect(method)
    return render(request, "practice/method_form.html",
                  {"community": community, "form": form, "method": None})


def method(request, method):
    found, standings = queries.access_method(request.user, method)
    parts = queries.page_parts(found)
    return render(request, "practice/method.html", {
        "method": found, "community": found.community, **parts,
        "sections": [(label, getattr(found, f"{name}_html")) for name, label in SECTIONS],
        "can_edit": policy.may_edit_method(found, standings),
        "can_steward": policy.may_steward_method(found, standings),
        "can_contribute": policy.may_contribute_to_method(standings),
        "practitioner_form": PractitionerForm(),
        "i_use_it": any(p.user_id == request.user.pk for p in parts["practitioners"])})


@login_required
def edit_method(request, method):
    found, standings = queries.access_method(request.user, method)
    if not policy.may_edit_method(found, standings):
        raise NotAllowed("may not edit this method")
    form = MethodForm(request.POST or None, initial={
        **found.content(), "base_version": found.version,
        "tags": ", ".join(found.tags.order_by("name").values_list("name", flat=True))})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_version"}
        try:
            actions.do_edit_method(actor=request.user, method=found,
                                   base_version=form.cleaned_data["base_version"] or 0, **data)
        except Conflict as error:
            found.refresh_from_db()
            conflict = {"message": error.message, "newest": found,
                        "changes": queries.diff(_draft(form.cleaned_data), found.content())}
            form = _rebased(form, found.version)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Saved. The earlier version is kept in the history."))
            return redirect(found)
    return render(request, "practice/method_form.html", {
        "community": found.community, "form": form, "method": found, "conflict": conflict},
        status=409 if conflict else 200)


def _draft(cleaned: dict) -> dict:
    return {name: cleaned.get(name, "") for name in ("title", *dict(SECTIONS))}


def _rebased(form: MethodForm, version: int) -> MethodForm:
    """The same draft, now based on the newest version: saving it again is a decision."""
    data = form.data.copy()
    data["base_version"] = str(version)
    return MethodForm(data)


@login_required
def method_settings(request, method):
    found, standings = queries.access_method(request.user, method)
    steward = policy.may_steward_method(found, standings)
    if not (steward or policy.may_edit_method(found, standings)):
        raise NotAllowed("may not change this method")
    mine = Community.objects.filter(memberships__user=request.user).order_by("name")
    form = MethodSettingsForm(
        request.POST or None, steward=steward, communities=mine,
        methods=queries.readable_methods(request.user).exclude(pk=found.pk).order_by("title"),
        initial={"is_restricted": found.is_restricted, "sharing": found.sharing,
                 "shared_with": found.shared_with.all(), "related": found.related.all()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_method_settings(actor=request.user, method=found,
                                           **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(found)
    return render(request, "practice/method_settings.html",
                  {"method": found, "community": found.community, "form": form})


def history(request, method):
    found, _standings = queries.access_method(request.user, method)
    return render(request, "practice/history.html", {
        "method": found, "community": found.community,
        "revisions": queries.revisions_of(found)})


def revision(request, method, version):
    found, standings = queries.access_method(request.user, method)
    shown = queries.revision(found, version)
    if shown is None:
        raise NotAllowed("no such version", hide=True)
    previous = queries.revision(found, shown.version - 1)
    return render(request, "practice/revision.html", {
        "method": found, "community": found.community, "revision": shown,
        "changes": queries.diff(previous.content if previous else {}, shown.content),
        "can_restore": policy.may_edit_method(found, standings)
        and shown.version != found.version})


@require_POST
@login_required
def restore(request, method, version):
    found, _standings = queries.access_method(request.user, method)
    actions.do_restore_revision(actor=request.user, method=found, version=int(version))
    messages.success(request, _("Version %(version)s is back, as a new version.") % {
        "version": version})
    return redirect(found)


@login_required
def new_story(request, method):
    found, _standings = queries.access_method(request.user, method)
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = actions.do_tell_story(actor=request.user, method=found,
                                          **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Thank you for your story."))
            return redirect("practice:story", method=found.slug, story_id=story.pk)
    return render(request, "practice/story_form.html",
                  {"method": found, "community": found.community, "form": form})


def story(request, method, story_id):
    found, standings = queries.access_method(request.user, method)
    told = queries.story_of(found, story_id)
    if told is None:
        raise NotAllowed("no such story", hide=True)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not policy.is_signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                actions.do_comment_story(actor=request.user, story=told,
                                         body=form.cleaned_data["body"])
            except ActionError as error:
                show_action_error(form, error)
            else:
                return redirect(request.path + "#comments")
    return render(request, "practice/story.html", {
        "method": found, "community": found.community, "story": told, "form": form,
        "can_comment": policy.may_contribute_to_method(standings),
        "can_edit": policy.may_edit_story(request.user, told, standings)})


@login_required
def edit_story(request, method, story_id):
    found, standings = queries.access_method(request.user, method)
    told = queries.story_of(found, story_id)
    if told is None:
        raise NotAllowed("no such story", hide=True)
    if not policy.may_edit_story(request.user, told, standings):
        raise NotAllowed("only its author or a steward edits a story")
    initial = {name: getattr(told, name) for name in StoryForm.base_fields}
    form = StoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_story(actor=request.user, story=told, **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("practice:story", method=found.slug, story_id=told.pk)
    return render(request, "practice/story_form.html", {
        "method": found, "community": found.community, "form": form, "story": told})


@require_POST
@login_required
def practitioner(request, method):
    found, _standings = queries.access_method(request.user, method)
    form = PractitionerForm(request.POST)
    uses = request.POST.get("uses", "on") == "on"
    if not form.is_valid():
        messages.error(request, _("Keep the note under 500 characters."))
        return redirect(found)
    try:
        actions.do_set_practitioner(actor=request.user, method=found, uses=uses,
                                    **form.cleaned_data)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are listed as using this method.") if uses
                         else _("You are no longer listed."))
    return redirect(f"{found.get_absolute_url()}#practitioners")


def people_to_ask(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    method_slug = (request.GET.get("method") or "").strip()[:80]
    expertise = (request.GET.get("expertise") or "").strip()[:60]
    return render(request, "practice/people_to_ask.html", {
        "community": community, "method_slug": method_slug, "expertise": expertise,
        "methods": queries.method_choices(community),
        "people": queries.people_to_ask(community, request.user, method_slug=method_slug,
                                        expertise=expertise)})

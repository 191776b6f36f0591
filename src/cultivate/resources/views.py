"""Thin HTML views of the library: list with filters, add, detail, edit, delete, files, and the
key resources."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.attachments.views import FILE_CSP
from cultivate.core import retention
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import community_scope
from cultivate.policy import Can
from cultivate.resources import actions, limits, queries
from cultivate.resources.forms import AddResourceForm, EditResourceForm
from cultivate.resources.models import ResourceForm


def library(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    verbs = policy.allowed(standing, community)
    filters = queries.ResourceFilters.from_params(request.GET)
    page_number = str(request.GET.get("page", ""))[:10]

    def render_results() -> str:
        page = Paginator(queries.resources(community, filters),
                         queries.RESOURCES_PER_PAGE).get_page(page_number)
        return render_to_string("resources/_results.html", {
            "community": community, "page": page, "filters": filters})

    # The same results for every reader: shared, cached until content changes.
    results_html = cached_fragment("resource-results", community.pk, filters, page_number,
                                   scopes=(community_scope(community.pk),),
                                   render=render_results)
    if request.htmx:
        return HttpResponse(results_html)
    filters_html = cached_fragment(
        "resource-filters", community.pk, filters, scopes=(community_scope(community.pk),),
        render=lambda: render_to_string(
            "resources/_filters.html", {"community": community, "filters": filters,
                                        **queries.filter_options(community)}))
    return render(request, "resources/library.html", {
        "community": community, "results_html": results_html, "filters_html": filters_html,
        "can_add": Can.REPLY in verbs, "can_curate": Can.CURATE in verbs})


@login_required
def add(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.REPLY)
    form = AddResourceForm(request.POST or None, request.FILES or None,
                           language=get_language() or "en")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                resource = actions.do_add_resource(actor=request.user, community=community,
                                                   **form.action_values(request.FILES))
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Added to the library."))
                return redirect(resource)
        else:
            status = 400
    # A refused draft comes back whole (but the file, which browsers never refill).
    return render(request, "resources/resource_form.html", {
        "community": community, "form": form, "adding": True,
        "limits": limits.describe(), "form_fields": AddResourceForm.FORM_FIELDS},
        status=status)


def detail(request, slug, resource_id):
    resource, standing = queries.access_resource(request.user, slug, resource_id)
    community = resource.community
    verbs = policy.allowed(standing, community)
    can_curate = Can.CURATE in verbs
    return render(request, "resources/detail.html", {
        "community": community, "resource": resource, "tags": list(resource.tags.all()),
        "can_change": policy.may_change_resource(request.user, standing, resource)
        and not resource.is_deleted,
        "can_curate": can_curate and not resource.is_deleted,
        "can_restore": resource.is_deleted and retention.is_restorable(resource.deleted_at)
        and policy.may_restore_deleted(request.user, standing, community, resource.deleted_by_id),
        "is_key": can_curate and queries.is_key(resource)})


def _may_change_or_403(request, resource, standing) -> None:
    if resource.is_deleted or not policy.may_change_resource(request.user, standing, resource):
        raise NotAllowed("only whoever added it, or a steward, changes a resource")


@login_required
def edit(request, slug, resource_id):
    resource, standing = queries.access_resource(request.user, slug, resource_id)
    _may_change_or_403(request, resource, standing)
    form = EditResourceForm(request.POST or None, request.FILES or None, resource=resource,
                            initial=EditResourceForm.initial_for(resource))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_edit_resource(actor=request.user, resource=resource,
                                         **form.action_values(request.FILES))
            except ActionError as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Resource saved."))
                return redirect(resource)
        else:
            status = 400
    return render(request, "resources/resource_form.html", {
        "community": resource.community, "resource": resource, "form": form, "adding": False,
        "limits": limits.describe(), "form_fields": {}}, status=status)


@require_POST
@login_required
def delete(request, slug, resource_id):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    actions.do_delete_resource(actor=request.user, resource=resource)
    messages.success(request, _("The resource was deleted."))
    return redirect("resources:library", slug=resource.community.slug)


@require_POST
@login_required
def restore(request, slug, resource_id):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    try:
        actions.do_restore_resource(actor=request.user, resource=resource)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The resource is back in the library."))
    return redirect(resource)


@require_safe
def serve_file(request, slug, resource_id, name):
    """The file of a resource, for whoever may read its community; 404 for everyone else."""
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    if name != resource.original_name:
        raise NotAllowed("no such file", hide=True)
    return file_response(resource)


def file_response(resource):
    """The stored file with the headers of attachments: the sniffed type, never sniffed again
    by the browser, nothing runs even if opened as a page, never in a shared cache."""
    if resource.form != ResourceForm.FILE or not resource.file:
        raise NotAllowed("no such file", hide=True)
    try:
        stored = resource.file.open("rb")
    except (OSError, ValueError) as missing:  # gone from storage (a backup without media)
        raise NotAllowed("file missing from storage", hide=True) from missing
    response = FileResponse(stored, content_type=resource.content_type,
                            as_attachment=not resource.is_image,
                            filename=resource.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=3600)
    return response


# --- key resources ---

KEY_CHANGES = {"add": actions.do_add_key_resource, "remove": actions.do_remove_key_resource}
MOVES = {"up": -1, "down": 1}


@require_POST
@login_required
def change_key(request, slug, resource_id):
    """Add, remove, or move up or down one key resource (the buttons on the detail and the
    curation pages); back to where the button was."""
    resource, standing = queries.access_resource(request.user, slug, resource_id)
    policy.check(standing, Can.CURATE, resource.community)
    change = request.POST.get("change", "")
    try:
        if change in KEY_CHANGES:
            KEY_CHANGES[change](actor=request.user, resource=resource)
        elif change in MOVES:
            actions.do_move_key_resource(actor=request.user, resource=resource,
                                         offset=MOVES[change])
        else:
            raise ActionError(_("Unknown change."), fields={"change": [_("Unknown.")]})
    except ActionError as error:
        messages.error(request, error.message + " " + " ".join(
            message for field in error.fields.values() for message in field))
    else:
        messages.success(request, {
            "add": _("“%(title)s” is now a key resource."),
            "remove": _("“%(title)s” is no longer a key resource."),
        }.get(change, _("Key resources reordered.")) % {"title": resource.title})
    if request.POST.get("next") == "key":
        return redirect("resources:key", slug=resource.community.slug)
    return redirect(resource)


@login_required
def key_resources(request, slug):
    """The stewards' page: the key resources in order, with move and remove buttons."""
    community, _standing = policy.access_community(request.user, slug, Can.CURATE)
    return render(request, "resources/key_resources.html", {
        "community": community, "key_resources": queries.key_resources(community),
        "max_key": actions.MAX_KEY_RESOURCES})

"""Thin HTML views: the catalogue, a format, a community's formats and adapting one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.communities.queries import in_community
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import ANY
from cultivate.formats import actions, queries
from cultivate.formats.forms import AdaptForm
from cultivate.formats.models import Formality, LearningFormat, Purpose, Source
from cultivate.policy import Can


def catalogue(request):
    filters = queries.CatalogueFilters.from_params(request.GET)
    page_number = request.GET.get("page")
    # The catalogue is the same for everyone: results and filters are shared fragments.
    results_html = cached_fragment(
        "formats-catalogue", filters, str(page_number), scopes=(ANY,),
        render=lambda: render_to_string("formats/_catalogue_results.html", {
            "filters": filters,
            "page": Paginator(queries.catalogue(filters),
                              queries.CATALOGUE_PAGE_SIZE).get_page(page_number)}))
    if request.htmx:
        return HttpResponse(results_html)
    filters_html = cached_fragment(
        "formats-filters", filters, scopes=(ANY,), render=lambda: render_to_string(
            "formats/_catalogue_filters.html", {
                "filters": filters, "purposes": Purpose.choices,
                "formalities": Formality.choices, "sources": Source.choices}))
    return render(request, "formats/catalogue.html",
                  {"filters_html": filters_html, "results_html": results_html})


def detail(request, slug):
    fmt = queries.format_by_slug(slug)
    if fmt is None:
        raise NotAllowed("no such format", hide=True)
    return render(request, "formats/detail.html", {
        "format": fmt, "adaptations": queries.adaptations_of(fmt, request.user),
        "stewarded": queries.stewarded_communities(request.user)})


def community_formats(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    may_adapt = Can.ADAPT_FORMATS in policy.allowed(standing, community)
    return render(request, "formats/community_formats.html", {
        "community": community, "may_adapt": may_adapt,
        "adaptations": in_community(queries.community_adaptations(community),
                                            community),
        "choices": queries.formats_to_adapt(community) if may_adapt else []})


def community_format(request, slug, format_slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    adaptation = queries.adaptation_in(community, format_slug)
    if adaptation is None:
        raise NotAllowed("no such adaptation", hide=True)
    return render(request, "formats/community_format.html", {
        "community": community, "adaptation": adaptation, "format": adaptation.format,
        "may_adapt": Can.ADAPT_FORMATS in policy.allowed(standing, community)})


@login_required
def choose(request, slug):
    """The "adapt a format" chooser (a GET form) leads to the chosen format's form."""
    community, _standing = policy.access_community(request.user, slug, Can.ADAPT_FORMATS)
    chosen = (request.GET.get("format") or "").strip()
    if not chosen:
        return redirect("formats:community", slug=community.slug)
    fmt = get_object_or_404(LearningFormat.objects.only("slug"), slug=chosen[:80])
    return redirect("formats:adapt", slug=community.slug, format_slug=fmt.slug)


@login_required
def adapt(request, slug, format_slug):
    community, _standing = policy.access_community(request.user, slug, Can.ADAPT_FORMATS)
    fmt = get_object_or_404(LearningFormat, slug=format_slug)
    existing = queries.adaptation_in(community, fmt.slug)
    form = AdaptForm(request.POST) if request.method == "POST" else AdaptForm.for_adaptation(
        existing)
    if request.method == "POST" and form.is_valid():
        try:
            adaptation = actions.do_adapt_format(actor=request.user, community=community,
                                                 format=fmt, **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Saved how %(community)s runs %(format)s.") % {
                "community": community.name, "format": fmt.name})
            return redirect(adaptation)
    return render(request, "formats/adapt.html", {
        "community": community, "format": fmt, "form": form, "existing": existing})


@require_POST
@login_required
def remove(request, slug, format_slug):
    community, _standing = policy.access_community(request.user, slug, Can.ADAPT_FORMATS)
    fmt = get_object_or_404(LearningFormat, slug=format_slug)
    actions.do_remove_adaptation(actor=request.user, community=community, format=fmt)
    messages.success(request, _("%(format)s is no longer among this community's formats.")
                     % {"format": fmt.name})
    return redirect("formats:community", slug=community.slug)

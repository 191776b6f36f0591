"""The sponsor report of a community and of a landscape: a page, Markdown and PDF."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from cultivate import policy
from cultivate.evaluation.indicators.views import period_of
from cultivate.evaluation.reports import builder
from cultivate.evaluation.reports.pdf import PdfUnavailable, html_to_pdf
from cultivate.evaluation.value_cache import shared_body
from cultivate.policy import Can

MAX_LANDSCAPE = 100


def _community_report(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    period, period_error = period_of(request, community)
    return builder.community_report(request.user, community, period), period_error


def _landscape(request):
    communities = policy.value_communities(request.user).order_by("name")[:MAX_LANDSCAPE]
    if not communities:
        raise policy.NotAllowed("no community to report on")
    period, period_error = period_of(request)
    return builder.landscape_report(request.user, communities, period), period_error


@require_safe
def report(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    period, period_error = period_of(request, community)
    body = shared_body("value-report", "evaluation/reports/_community_body.html", community,
                       period, lambda: {"report": builder.community_report(
                           request.user, community, period)}, linked=True)
    return render(request, "evaluation/reports/community.html",
                  {"body": body, "community": community, "period": period,
                   "period_error": period_error}, status=400 if period_error else 200)


@require_safe
@login_required
def landscape(request):
    found, period_error = _landscape(request)
    return render(request, "evaluation/reports/landscape.html",
                  {"report": found, "period": found.period, "period_error": period_error},
                  status=400 if period_error else 200)


@require_safe
def report_markdown(request, slug):
    found, _error = _community_report(request, slug)
    return file_download(render_to_string("evaluation/reports/community.md", {
        "report": found, "site_url": settings.SITE_URL}), "text/markdown; charset=utf-8",
        f"{found.community.slug}-{found.period.key}.md")


@require_safe
@login_required
def landscape_markdown(request):
    found, _error = _landscape(request)
    return file_download(render_to_string("evaluation/reports/landscape.md", {
        "report": found, "site_url": settings.SITE_URL}), "text/markdown; charset=utf-8",
        f"landscape-{found.period.key}.md")


@require_safe
def report_pdf(request, slug):
    found, _error = _community_report(request, slug)
    return pdf_download(request, "evaluation/reports/community_print.html", {"report": found},
                f"{found.community.slug}-{found.period.key}.pdf")


@require_safe
@login_required
def landscape_pdf(request):
    found, _error = _landscape(request)
    return pdf_download(request, "evaluation/reports/landscape_print.html", {"report": found},
                f"landscape-{found.period.key}.pdf")


def pdf_download(request, template, context, filename):
    if is_ratelimited(request, group="cultivate.report-pdf", key="user_or_ip",
                      rate=settings.CULTIVATE_PDF_RATE, increment=True):
        response = HttpResponse(_("Too many reports at once: try again in a minute."),
                                status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response
    html = render_to_string(template, {**context, "css": _print_css(),
                                       "site_url": settings.SITE_URL}, request=request)
    try:
        document = html_to_pdf(html)
    except PdfUnavailable:
        return render(request, "evaluation/reports/pdf_unavailable.html", status=503)
    return file_download(document, "application/pdf", filename)


def _print_css() -> str:
    path = finders.find("evaluation/report-print.css")
    with open(path, encoding="utf-8") as css:
        return css.read()


def file_download(content, content_type, filename) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

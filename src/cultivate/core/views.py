from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from cultivate.core.markdown import render_markdown

MAX_PREVIEW = 50_000


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says: send the icon."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("cultivate/favicon.svg"))


@require_safe
def floor(request):
    """The benchmark's floor: the cheapest response the full middleware stack can give."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
@require_POST
def markdown_preview(request):
    """The sanitised HTML a text would become: for live previews beside editors (htmx)."""
    text = request.POST.get("body") or request.POST.get("text") or ""
    if len(text) > MAX_PREVIEW:
        return HttpResponse(_("Too long to preview."), status=413)
    return HttpResponse(render_markdown(text))

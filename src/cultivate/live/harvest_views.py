"""The facilitators' harvest page and the backchannel's downloads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from cultivate.core.errors import ActionError
from cultivate.events.models import MAX_MARKDOWN
from cultivate.live import harvest

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv", harvest.export_csv),
    "md": ("text/markdown; charset=utf-8", "md", harvest.export_markdown),
}


class HarvestForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Summary for the event's notes"), required=False,
        max_length=MAX_MARKDOWN, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown. It is added to the event's notes under the heading "
                               "“From the live backchannel”; the notes already there stay."))


def export_filename(event, extension: str) -> str:
    return f"{slugify(event.title)[:60] or 'event'}-{event.pk}-backchannel.{extension}"


def export_response(event, kind: str) -> HttpResponse:
    """The export as a download. CSV starts with a byte-order mark so that spreadsheet
    programs read the names in UTF-8."""
    content_type, extension, export = EXPORTS[kind]
    text = export(harvest.channel_of(event))
    if kind == "csv":
        text = "\ufeff" + text
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(event, extension)}"')
    patch_cache_control(response, private=True, no_store=True)
    return response


def _event_url(event) -> str | None:
    return harvest._safe_url(event)


@login_required
@require_safe
def export_csv(request, pk):
    return export_response(harvest.facilitated_event(request.user, pk), "csv")


@login_required
@require_safe
def export_md(request, pk):
    return export_response(harvest.facilitated_event(request.user, pk), "md")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def harvest_page(request, pk):
    event = harvest.facilitated_event(request.user, pk)
    form = HarvestForm(request.POST or None)
    chosen = {str(value) for value in request.POST.getlist("questions")}
    question_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = harvest.do_harvest(
                    actor=request.user, event=event,
                    question_ids=request.POST.getlist("questions"),
                    summary=form.cleaned_data["summary"])
            except ActionError as error:
                for message in error.fields.get("summary", ()):
                    form.add_error("summary", message)
                question_errors = error.fields.get("questions", [])
                if not error.fields:
                    form.add_error(None, error.message)
                status = error.status
            else:
                parts = []
                if result:
                    parts.append(ngettext("%(n)d question is now a topic of the community.",
                                          "%(n)d questions are now topics of the community.",
                                          len(result)) % {"n": len(result)})
                if result.skipped:
                    parts.append(ngettext(
                        "%(n)d was harvested before and was left as it is.",
                        "%(n)d were harvested before and were left as they are.",
                        len(result.skipped)) % {"n": len(result.skipped)})
                if result.notes_added:
                    parts.append(_("The summary is in the event's notes."))
                elif form.cleaned_data["summary"]:
                    parts.append(_("The summary was already in the event's notes."))
                messages.success(request, " ".join(parts) or _("Nothing to harvest."))
                return redirect(request.path)
        else:
            status = 400
    return render(request, "live/harvest.html", {
        "event": event, "event_url": _event_url(event), "form": form,
        "questions": harvest.harvestable_questions(event), "chosen": chosen,
        "question_errors": question_errors,
        "has_errors": bool(form.errors or question_errors),
    }, status=status)

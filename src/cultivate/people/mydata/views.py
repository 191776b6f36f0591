"""The "Your data" page: download an archive, ask for (or cancel) the erasure of one's account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate.core.errors import ActionError, NotAllowed, RateLimited
from cultivate.core.forms import show_action_error
from cultivate.people.mydata import erasure, exporting, queries
from cultivate.people.mydata.forms import ErasureForm


def _page(request, form=None, status=200, export_error=None):
    response = render(request, "people/my_data.html", {
        "form": form or ErasureForm(), "pending": queries.pending_erasure(request.user),
        "grace_days": settings.CULTIVATE_ERASURE_GRACE_DAYS,
        "export_minutes": settings.CULTIVATE_EXPORT_INTERVAL_MINUTES,
        "export_error": export_error}, status=status)
    return response


@login_required
def my_data(request):
    return _page(request)


@require_POST
@login_required
def export_data(request):
    try:
        archive = exporting.do_export_own_data(actor=request.user)
    except RateLimited as error:
        response = _page(request, status=429, export_error=error.message)
        response["Retry-After"] = str(error.retry_after)
        return response
    return FileResponse(archive, as_attachment=True, content_type="application/zip",
                        filename=exporting.export_filename(request.user))


@require_POST
@login_required
def request_erasure(request):
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        found = erasure.do_request_erasure(actor=request.user, mode=form.cleaned_data["mode"])
    except ActionError as error:
        show_action_error(form, error)
        return _page(request, form=form, status=error.status)
    logout(request)
    messages.info(request, _(
        "Your account will be erased on %(date)s. We sent you an e-mail. Signing in before "
        "then cancels the request.") % {"date": formats.date_format(found.due_at)})
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_POST
@login_required
def cancel_erasure(request):
    try:
        erasure.do_cancel_erasure(actor=request.user)
    except NotAllowed:
        messages.info(request, _("There was no erasure request to cancel."))
    else:
        messages.success(request, _("Your account will not be erased."))
    return redirect("people:my-data")

"""Pages of a single occurrence's life: moving or skipping one date of a series, the check-in
list with the room's code, members checking themselves in, and the feedback form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.events import actions, attendance, queries, recurrence
from cultivate.events.models import EventFeedback
from cultivate.policy import Can


def _at(request, event, source):
    """The original start named by `at` (None when not given); 404 for a date the series
    does not have."""
    key = str(source.get("at", ""))[:20]
    if not key:
        return None
    moment = recurrence.parse_occurrence_key(key)
    if moment is None or (event.is_repeating and recurrence.find(event, moment) is None
                          and key not in (event.recurrence_exceptions or ())):
        raise NotAllowed("no such occurrence", hide=True)
    return moment


def _back(event, original):
    suffix = f"?at={recurrence.occurrence_key(original)}" if event.is_repeating and original \
        else ""
    return redirect(f"{event.get_absolute_url()}{suffix}")


@require_POST
@login_required
def change_occurrence(request, pk):
    event, standing = queries.access_event(request.user, pk)
    policy.check(standing, Can.PLAN_EVENTS, event.community)
    original = _at(request, event, request.POST)
    change = str(request.POST.get("change", ""))
    try:
        actions.do_change_occurrence(
            actor=request.user, event=event, occurrence=original,
            starts_at=str(request.POST.get("starts_at", ""))[:30],
            ends_at=str(request.POST.get("ends_at", ""))[:30],
            skip=change == "skip", restore=change == "restore")
    except ActionError as error:
        fields = [message for messages_ in error.fields.values() for message in messages_]
        messages.error(request, " ".join([error.message, *fields]))
        return _back(event, original)
    messages.success(request, {"skip": _("This date is skipped; the others stay."),
                               "restore": _("This date is back to the usual time.")}.get(
        change, _("This date is moved; the others stay.")))
    return _back(event, original)


def attendance_page(request, pk):
    event, standing = queries.access_event(request.user, pk)
    policy.check(standing, Can.RECORD_ATTENDANCE, event.community)
    source = request.POST if request.method == "POST" else request.GET
    try:
        original, item = attendance.occurrence_of(event, _at(request, event, source))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(event)
    status = 200
    if request.method == "POST":
        ticked = request.POST.getlist("present")
        listed = request.POST.getlist("listed")
        try:
            result = attendance.do_record_attendance(
                actor=request.user, event=event, occurrence=original, present=ticked,
                absent=[pk for pk in listed if pk not in ticked])
        except ActionError as error:
            messages.error(request, error.message)
            status = error.status
        else:
            messages.success(request, _("Attendance saved: %(added)d added, %(removed)d "
                                        "removed.") % result)
            return redirect(f"{request.path}?at={recurrence.occurrence_key(original)}")
    people = attendance.attendance_list(event, original)
    return render(request, "events/attendance.html", {
        "event": event, "community": event.community, "occurrence": item,
        "at": recurrence.occurrence_key(original), "people": people,
        "present_count": sum(1 for person in people if person["present"]),
        "code": attendance.check_in_code(event, original)}, status=status)


@require_POST
@login_required
def check_in(request, pk):
    event, _standing = queries.access_event(request.user, pk)
    original = _at(request, event, request.POST)
    try:
        added = attendance.do_check_in(actor=request.user, event=event, occurrence=original,
                                       code=str(request.POST.get("code", "")))
    except ActionError as error:
        messages.error(request, error.message)
        return _back(event, original)
    messages.success(request, _("You are checked in. Welcome!") if added
                     else _("You were already checked in."))
    return _back(event, original)


@login_required
def feedback(request, pk):
    event, _standing = queries.access_event(request.user, pk)
    source = request.POST if request.method == "POST" else request.GET
    original = _at(request, event, source) or (event.starts_at if not event.is_repeating
                                               else None)
    if original is None:
        raise NotAllowed("which occurrence?", hide=True)
    errors, status = {}, 200
    mine = EventFeedback.objects.filter(event=event, occurrence=original,
                                        user=request.user).first()
    if request.method == "POST":
        try:
            attendance.do_give_feedback(
                actor=request.user, event=event, occurrence=original,
                usefulness=request.POST.get("usefulness"),
                will_apply=str(request.POST.get("will_apply", ""))[:4000])
        except ActionError as error:
            errors, status = error.fields or {"usefulness": [error.message]}, error.status
        else:
            messages.success(request, _("Thank you: your answer helps the facilitators plan "
                                        "the next one."))
            return _back(event, original)
    return render(request, "events/feedback.html", {
        "event": event, "community": event.community, "errors": errors,
        "at": recurrence.occurrence_key(original), "when": original,
        "usefulness": request.POST.get("usefulness", mine.usefulness if mine else ""),
        "will_apply": request.POST.get("will_apply", mine.will_apply if mine else ""),
        "scale": [(1, _("not useful")), (2, ""), (3, ""), (4, ""), (5, _("very useful"))]},
        status=status)

"""Thin HTML views of the backchannel. Every write is a plain form POST that works without
JavaScript (redirecting back to the room); the room's script sends the same POSTs with
`Accept: application/json` when its websocket is down, and gets JSON back."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from cultivate.core.errors import ActionError, NotAllowed, RateLimited
from cultivate.live import actions, limits, queries
from cultivate.live.models import MAX_BODY, Item, ItemKind, Participant, Poll
from cultivate.live.serialise import item_data, poll_data


def remember_guest(request, participant: Participant) -> None:
    tokens = dict(request.session.get(queries.GUEST_SESSION_KEY, {}))
    tokens[str(participant.channel_id)] = participant.guest_token
    request.session[queries.GUEST_SESSION_KEY] = tokens


def access(request, event_id) -> queries.LiveAccess:
    return queries.access_live(request.user, event_id,
                               guest_token=queries.guest_token_in(request.session, event_id))


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def done(request, live, payload=None, *, message=None, status=200):
    if wants_json(request):
        return JsonResponse(payload or {}, status=status)
    if message:
        (messages.error if status >= 400 else messages.success)(request, message)
    return redirect("live:room", event_id=live.event.pk)


def refused(request, live, error: ActionError):
    if isinstance(error, RateLimited):
        return too_fast(request, live, error)
    body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    return done(request, live, body, message=error.message, status=error.status)


def too_fast(request, live, error: RateLimited, response=None):
    """429 with Retry-After, as JSON or as the room with the message (not a redirect, so the
    status reaches the client)."""
    if response is None and wants_json(request):
        response = JsonResponse({"error": {"code": error.code, "message": error.message,
                                           "fields": {}}}, status=429)
    elif response is None:
        messages.error(request, error.message)
        response = render(request, "live/room.html", room_context(live), status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@require_safe
def room(request, event_id):
    live = access(request, event_id)
    return render(request, "live/room.html", room_context(live))


def room_context(live, **extra) -> dict:
    state = queries.snapshot(live)
    items = [i for i in state["items"] if i.get("body_html") is not None]
    return {"event": live.event, "community": live.event.community, "live": live,
            "state": state, "questions": sorted(
                (i for i in items if i["kind"] == ItemKind.QUESTION),
                key=lambda i: (-i["votes"], i["created_at"])),
            "comments": [i for i in items if i["kind"] == ItemKind.COMMENT][-50:],
            "pinned": next((i for i in items if i["pinned"]), None),
            "max_body": MAX_BODY, "labels": labels(), **extra}


# A number for each plural category of the browser's Intl.PluralRules whose gettext form is
# that category's in every interface language (en, fr, es, ar, zh-hans, ru): the script picks
# the category of a count and writes the phrase rendered here for its sample.
PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


def counted(singular: str, plural: str) -> dict[str, str]:
    return {category: ngettext(singular, plural, n) for category, n in PLURAL_SAMPLES.items()}


def labels() -> dict:
    """What the room's script writes on the page, translated here."""
    return {"votes": counted("%(n)s vote", "%(n)s votes"),
        "live": _("Live: updates appear as they happen."),
        "reconnecting": _("Connection lost, reconnecting…"),
        "polling": _("Live connection unavailable: updating every few seconds."),
        "removed": _("You can no longer take part in this backchannel."),
        "guest": _("guest"), "pending": _("waiting for approval"), "hidden": _("hidden"),
        "answered": _("answered"), "answer_live": _("Answer given live"),
        "vote": _("Vote"), "withdraw": _("Withdraw vote"),
        "approve": _("Approve"), "hide": _("Hide"),
        "pin": _("Pin"), "unpin": _("Unpin"), "mark_answered": _("Mark answered"),
        "not_answered": _("Not answered"), "answer_label": _("Answer given (optional)"),
        "no_questions": _("No questions yet."), "no_comments": _("No comments yet."),
        "no_polls": _("No polls yet."), "closed": _("closed"), "answer_poll": _("Answer"),
        "close_poll": _("Close the poll"), "sent": _("Sent."),
        "sent_pending": _("Sent. A facilitator will approve it shortly."),
        "open": _("Open for questions and comments"), "channel_closed": _("Closed: no new posts"),
    }


@require_safe
def projector(request, event_id):
    live = access(request, event_id)
    return render(request, "live/projector.html", room_context(live))


@require_safe
def updates(request, event_id):
    """The polling fallback: the same numbered updates the websocket sends."""
    live = access(request, event_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        return JsonResponse({"error": {"code": "invalid", "message": _("Give a number."),
                                       "fields": {"after": [_("Give a number.")]}}}, status=400)
    found, last, too_long = queries.updates_after(live.channel, after, moderator=live.moderator)
    return JsonResponse({"updates": [] if too_long else found, "seq": last, "reset": too_long})


@require_safe
def state(request, event_id):
    return JsonResponse(queries.snapshot(access(request, event_id)))


def join(request, code=""):
    """Join with the code on the screen: members go straight in, guests give a name. Only a
    visitor who may join learns which event a code belongs to; wrong codes are limited per
    address (429 with Retry-After)."""
    code = queries.normal_code(request.POST.get("code") or request.GET.get("code") or code)
    address = request.META.get("REMOTE_ADDR", "")
    errors, name, event, live = {}, request.POST.get("display_name", ""), None, None
    if code:
        try:
            limits.check_code_guesses(address)
        except RateLimited as error:
            return join_refused(request, code, name, error)
        event, live = queries.joinable_by_code(request.user, code)
        if event is None:
            limits.count_wrong_code(address)
            errors["code"] = [_("No event you can join has this code. Check it on the screen; "
                                "members of a private community sign in first.")]
    if live is not None and (live.participant or live.may_join_as_member):
        return redirect("live:room", event_id=event.pk)  # members take part under their name
    if request.method == "POST" and event is not None:
        try:
            participant = actions.do_join_as_guest(
                event=event, code=code, display_name=name, address=address,
                guest_token=queries.guest_token_in(request.session, event.pk),
                actor=request.user)
        except RateLimited as error:
            return join_refused(request, code, name, error)
        except ActionError as error:
            errors = error.fields
        except NotAllowed as error:
            errors["code"] = [str(error)]
        else:
            remember_guest(request, participant)
            return redirect("live:room", event_id=event.pk)
    elif request.method == "POST" and not code:
        errors["code"] = [_("Type the code shown on the screen.")]
    return render(request, "live/join.html", {"code": code, "event": event, "errors": errors,
                                              "display_name": name},
                  status=400 if errors else 200)


def join_refused(request, code, name, error: RateLimited):
    response = render(request, "live/join.html", {
        "code": code, "errors": {"code": [error.message]}, "display_name": name}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@require_POST
def post_item(request, event_id):
    live = access(request, event_id)
    kind, body = request.POST.get("kind", ""), request.POST.get("body", "")
    try:
        item = actions.do_post_item(participant=actions.acting_participant(live, request.user),
                                    kind=kind, body=body)
    except ActionError as error:
        if wants_json(request):
            return refused(request, live, error)
        context = room_context(live, draft=body, draft_kind=kind, errors=error.fields or
                               {"body": [error.message]})
        page = render(request, "live/room.html", context, status=error.status)
        return too_fast(request, live, error, page) if isinstance(error, RateLimited) else page
    message = (_("Sent. A facilitator will approve it shortly.") if item.status == "pending"
               else _("Sent."))
    return done(request, live, {"item": item_data(item)}, message=message)


@require_POST
def vote(request, event_id, item_id):
    live = access(request, event_id)
    item = get_object_or_404(Item, pk=item_id, channel=live.channel)
    try:
        count = actions.do_vote(participant=actions.acting_participant(live, request.user),
                                item=item, up=request.POST.get("vote", "up") != "withdraw")
    except ActionError as error:
        return refused(request, live, error)
    return done(request, live, {"votes": count})


@require_POST
def moderate(request, event_id, item_id):
    live = access(request, event_id)
    item = get_object_or_404(Item, pk=item_id, channel=live.channel)
    try:
        item = actions.do_moderate_item(actor=request.user, item=item,
                                        op=request.POST.get("op", ""),
                                        answer=request.POST.get("answer", ""))
    except ActionError as error:
        return refused(request, live, error)
    return done(request, live, {"item": item_data(item)})


@require_POST
def change_channel(request, event_id):
    live = access(request, event_id)
    fields = {name: request.POST.get(name) == "on"
              for name in ("is_open", "guests_allowed", "premoderated")}
    actions.do_set_channel(actor=request.user, event=live.event, **fields)
    return done(request, live, fields, message=_("Backchannel settings saved."))


@require_safe
def participants(request, event_id):
    live = access(request, event_id)
    actions.check_moderator(request.user, live.event)
    return render(request, "live/participants.html", {
        "event": live.event, "community": live.event.community, "live": live,
        "participants": queries.participants_of(live.channel)})


@require_POST
def remove_participant(request, event_id, participant_id):
    live = access(request, event_id)
    participant = get_object_or_404(Participant, pk=participant_id, channel=live.channel)
    try:
        actions.do_remove_participant(actor=request.user, participant=participant)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s can no longer take part.")
                         % {"name": participant.display_name})
    return redirect(reverse("live:participants", kwargs={"event_id": live.event.pk}))


@require_POST
def create_poll(request, event_id):
    live = access(request, event_id)
    options = [line for line in request.POST.get("options", "").splitlines() if line.strip()]
    try:
        poll = actions.do_create_poll(actor=request.user, event=live.event,
                                      question=request.POST.get("question", ""),
                                      options=options,
                                      multiple=request.POST.get("multiple") == "on")
    except ActionError as error:
        if wants_json(request):
            return refused(request, live, error)
        context = room_context(live, poll_draft=request.POST, poll_errors=error.fields)
        return render(request, "live/room.html", context, status=400)
    return done(request, live, {"poll": poll_data(poll)}, message=_("The poll is open."))


@require_POST
def close_poll(request, event_id, poll_id):
    live = access(request, event_id)
    poll = get_object_or_404(Poll, pk=poll_id, channel=live.channel)
    actions.do_close_poll(actor=request.user, poll=poll)
    return done(request, live, {"poll": poll_data(poll)}, message=_("The poll is closed."))


@require_POST
def answer_poll(request, event_id, poll_id):
    live = access(request, event_id)
    poll = get_object_or_404(Poll, pk=poll_id, channel=live.channel)
    try:
        actions.do_answer_poll(participant=actions.acting_participant(live, request.user),
                               poll=poll, option_ids=request.POST.getlist("option"))
    except ActionError as error:
        return refused(request, live, error)
    return done(request, live, {"poll": poll_data(poll)}, message=_("Your answer counts."))

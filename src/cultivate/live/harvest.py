"""After an event: the backchannel as a file (CSV, Markdown) and its harvest into the
community's knowledge. Chosen questions become Q&A topics (the live answer as the accepted
reply), the facilitator's summary goes into the event's notes.

Exports and the harvest leave out what the room never saw: hidden items and posts still
waiting for approval.
"""

import csv
import io
import re
from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.conversations import actions as conversations
from cultivate.conversations.actions import MIN_TITLE
from cultivate.conversations.models import MAX_TITLE, Topic, TopicKind
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.markdown import plain_text
from cultivate.core.spreadsheets import as_text_cell
from cultivate.events.models import MAX_MARKDOWN, Event
from cultivate.live.models import Item, ItemKind, ItemStatus, LiveChannel
from cultivate.live.queries import polls_of

CSV_COLUMNS = ("id", "kind", "author", "created_at", "votes", "status", "pinned", "answered",
               "body", "answer")


# --- who may harvest ------------------------------------------------------------------------

def facilitated_event(user, event_id) -> Event:
    """The event, for one of its facilitators: 404 (hidden) for a missing event or one whose
    community the user may not read, 403 for the other readers."""
    event = (Event.objects.select_related("community").filter(pk=event_id).first()
             if str(event_id).isdigit() else None)
    if event is None:
        raise NotAllowed("no such event", hide=True)
    verbs = policy.allowed(policy.standing_of(user, event.community), event.community)
    if policy.Can.PLAN_EVENTS not in verbs:
        raise NotAllowed(_("Only the event's facilitators harvest its backchannel."),
                         hide=policy.Can.READ not in verbs)
    return event


def channel_of(event: Event) -> LiveChannel | None:
    """The event's backchannel with the event attached, or None before anyone opened it."""
    channel = LiveChannel.objects.filter(event=event).first()
    if channel is not None:
        channel.event = event
    return channel


def shown_items(channel: LiveChannel | None) -> QuerySet[Item]:
    """What the room saw: visible items, oldest first."""
    if channel is None:
        return Item.objects.none()
    return (Item.objects.filter(channel=channel, status=ItemStatus.VISIBLE)
            .select_related("participant").order_by("created_at", "pk"))


def harvestable_questions(event: Event) -> QuerySet[Item]:
    """The visible questions, most votes first, with the topic of those already harvested."""
    return (shown_items(channel_of(event)).filter(kind=ItemKind.QUESTION)
            .select_related("harvested_topic__community")
            .order_by("-vote_count", "created_at", "pk"))


# --- exports --------------------------------------------------------------------------------

def _cell(value) -> str:
    return "" if value is None else as_text_cell(str(value))


def _utc(when) -> str:
    return when.astimezone(UTC).isoformat()


def _poll_results(poll) -> str:
    return "; ".join(f"{option.label}: {option.vote_count}" for option in poll.options.all())


def export_csv(channel: LiveChannel | None) -> str:
    """One row per visible item (then one per poll, kind "poll", id "poll-<n>", the results
    in the answer column). Cells that a spreadsheet would run as a formula start with a quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in shown_items(channel):
        writer.writerow([_cell(v) for v in (
            item.pk, item.kind, item.participant.display_name, _utc(item.created_at),
            item.vote_count, item.status, str(item.pinned).lower(),
            str(item.answered).lower(), item.body, item.answer)])
    if channel is not None:
        for poll in polls_of(channel):
            total = sum(option.vote_count for option in poll.options.all())
            writer.writerow([_cell(v) for v in (
                f"poll-{poll.pk}", "poll", "", _utc(poll.created_at), total,
                "open" if poll.is_open else "closed", "false", "false", poll.question,
                _poll_results(poll))])
    return out.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_markdown(text: str) -> str:
    """A name or title shown literally inside Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def export_markdown(channel: LiveChannel | None) -> str:
    """Questions (most votes first) with votes and live answers, comments in order, polls
    with their results."""
    event = channel.event if channel is not None else None
    items = list(shown_items(channel))
    questions = sorted((i for i in items if i.kind == ItemKind.QUESTION),
                       key=lambda i: (-i.vote_count, i.created_at, i.pk))
    comments = [i for i in items if i.kind == ItemKind.COMMENT]
    lines = [f"# {escape_markdown(event.title) if event else ''}".rstrip(), ""]
    if event is not None:
        lines += [_("Backchannel of %(title)s, %(when)s (UTC).") % {
            "title": escape_markdown(event.title),
            "when": event.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")}, ""]
    lines += [f"## {_('Questions')}", ""]
    if not questions:
        lines += [_("No questions."), ""]
    for item in questions:
        meta = [ngettext("%(n)d vote", "%(n)d votes", item.vote_count) % {"n": item.vote_count}]
        if item.answered:
            meta.append(_("answered"))
        if item.pinned:
            meta.append(_("pinned"))
        lines += [f"### {escape_markdown(item.participant.display_name)} ({', '.join(meta)})",
                  "", _quoted(item.body), ""]
        if item.answer:
            lines += [f"**{_('Answer')}:**", "", item.answer.strip(), ""]
    lines += [f"## {_('Comments')}", ""]
    if not comments:
        lines += [_("No comments."), ""]
    for item in comments:
        lines += [f"- **{escape_markdown(item.participant.display_name)}** "
                  f"({_utc(item.created_at)[:16].replace('T', ' ')}):", "",
                  "  " + _quoted(item.body).replace("\n", "\n  "), ""]
    polls = list(polls_of(channel)) if channel is not None else []
    if polls:
        lines += [f"## {_('Polls')}", ""]
    for poll in polls:
        total = sum(option.vote_count for option in poll.options.all())
        lines += [f"### {escape_markdown(poll.question)}", ""]
        for option in poll.options.all():
            share = f" ({round(100 * option.vote_count / total)}%)" if total else ""
            lines.append(f"- {escape_markdown(option.label)}: {option.vote_count}{share}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- the harvest ----------------------------------------------------------------------------

class HarvestResult(list):
    """The topics this harvest created (a list), and what it left alone: `skipped` item ids
    (harvested before, by id → their topic) and whether the summary went into the notes."""

    def __init__(self, topics, *, skipped: dict[int, Topic], notes_added: bool):
        super().__init__(topics)
        self.skipped = skipped
        self.notes_added = notes_added


def _safe_url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the events pages may not be there (yet)
        return None


def _topic_title(item: Item, event: Event) -> str:
    text = " ".join(plain_text(item.body_html).split()) or " ".join(item.body.split())
    if len(text) < MIN_TITLE:
        text = f"{text} ({event.title})".strip()
    if len(text) > MAX_TITLE:
        cut = text[:MAX_TITLE - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut[MAX_TITLE // 2:] else cut).rstrip() + "…"
    return text


def _event_reference(event: Event) -> str:
    url = _safe_url(event)
    title = escape_markdown(event.title)
    return f"[{title}]({settings.SITE_URL}{url})" if url else f"*{title}*"


def _asker(item: Item, community):
    """The member who asked, when they may start topics here: the question is theirs (they
    follow it and hear of answers). Guests' questions are written by the facilitator."""
    user = item.participant.user
    if user is None or not user.is_active:
        return None
    standing = policy.standing_of(user, community)
    return user if policy.Can.START_TOPIC in policy.allowed(standing, community) else None


def _topic_body(item: Item, event: Event) -> str:
    name = escape_markdown(item.participant.display_name)
    if item.participant.user_id is None:
        name = _("%(name)s (guest)") % {"name": name}
    credit = ngettext(
        "Asked by %(name)s during %(event)s, %(n)d vote.",
        "Asked by %(name)s during %(event)s, %(n)d votes.", item.vote_count) % {
        "name": name, "event": _event_reference(event), "n": item.vote_count}
    body = item.body.strip() + "\n\n---\n\n" + credit
    if item.answered and not item.answer.strip():
        body += " " + _("It was marked answered during the event.")
    return body


def _reply_body(item: Item, event: Event) -> str:
    return item.answer.strip() + "\n\n*" + _("Answered live during %(event)s.") % {
        "event": _event_reference(event)} + "*"


def harvest_heading() -> str:
    return "## " + _("From the live backchannel")


def _notes_with(notes: str, summary: str) -> str | None:
    """The notes with the summary appended under a heading; None when it is there already."""
    block = harvest_heading() + "\n\n" + summary
    if block in notes:
        return None
    return (notes.rstrip() + "\n\n" + block) if notes.strip() else block


def _ids(question_ids) -> tuple[list[int], list[str]]:
    ids, bad = [], []
    for raw in question_ids or ():
        text = str(raw).strip()
        if text.isdigit() and not isinstance(raw, bool):
            if int(text) not in ids:
                ids.append(int(text))
        else:
            bad.append(text[:20])
    return ids, bad


def _listed(ids) -> str:
    return ", ".join(str(i) for i in ids)


def do_harvest(*, actor, event: Event, question_ids, summary: str = "") -> HarvestResult:
    """Turn the chosen visible questions into question topics of the event's community (the
    live answer becomes the facilitator's accepted reply) and append `summary` (Markdown) to
    the event's notes. Questions harvested before are skipped (`result.skipped`), so running
    it again changes nothing. One transaction: either all of it or nothing."""
    community = event.community
    verbs = policy.allowed(policy.standing_of(actor, community), community)
    if policy.Can.PLAN_EVENTS not in verbs:
        raise NotAllowed(_("Only the event's facilitators harvest its backchannel."),
                         hide=policy.Can.READ not in verbs)
    summary = str(summary or "").replace("\x00", "").strip()
    ids, malformed = _ids(question_ids)
    errors: dict[str, list[str]] = {}
    if malformed:
        errors.setdefault("questions", []).append(
            _("These are not question numbers: %(ids)s.") % {"ids": _listed(malformed)})
    if not ids and not summary and not malformed:
        errors["questions"] = [_("Choose at least one question or write a summary.")]
    with transaction.atomic():
        # The event's row first (its notes may have changed since the caller read it), then
        # the chosen items: two facilitators harvesting at once make one topic per question.
        current = Event.objects.select_for_update().get(pk=event.pk)
        channel = channel_of(event)
        items = {item.pk: item for item in (
            Item.objects.select_for_update(of=("self",)).filter(channel=channel, pk__in=ids)
            .select_related("participant", "harvested_topic__community")
            if channel is not None else [])}
        unknown = [i for i in ids if i not in items]
        unseen = [i for i in ids if i in items and items[i].status != ItemStatus.VISIBLE]
        comments = [i for i in ids if i in items and i not in unseen
                     and items[i].kind != ItemKind.QUESTION]
        for wrong, message in (
                (unknown, _("No such question in this backchannel: %(ids)s.")),
                (unseen, _("Hidden or waiting for approval, so not harvested: %(ids)s.")),
                (comments, _("Comments, not questions: %(ids)s."))):
            if wrong:
                errors.setdefault("questions", []).append(message % {"ids": _listed(wrong)})
        notes = None
        if summary:
            notes = _notes_with(current.notes, summary)
            if notes is not None and len(notes) > MAX_MARKDOWN:
                errors["summary"] = [_("The notes would grow past %(max)d characters: "
                                       "shorten the summary.") % {"max": MAX_MARKDOWN}]
        if errors:
            raise ActionError(_("Please correct the marked fields."), fields=errors)

        if notes is not None:
            from cultivate.events.actions import do_record_event_outcome

            do_record_event_outcome(actor, event, notes=notes)
            event.notes = notes
        chosen = sorted(items.values(), key=lambda i: (-i.vote_count, i.created_at, i.pk))
        skipped = {item.pk: item.harvested_topic for item in chosen
                   if item.harvested_topic_id is not None}
        created = []
        for item in chosen:
            if item.pk in skipped:
                continue
            topic = conversations.do_start_topic(
                actor=_asker(item, community) or actor, community=community,
                kind=TopicKind.QUESTION, title=_topic_title(item, event),
                body=_topic_body(item, event), occurred_at=item.created_at)
            if item.answered and item.answer.strip():
                reply = conversations.do_reply(actor=actor, topic=topic,
                                               body=_reply_body(item, event))
                topic = conversations.do_accept_answer(actor=actor, topic=topic, post=reply)
            item.harvested_topic = topic
            item.save(update_fields=["harvested_topic"])
            created.append(topic)
        if created or notes is not None:
            record_activity(actor=actor, verb=Verb.LIVE_HARVESTED, community=community,
                            target=event, payload={
                                "topics": [t.pk for t in created],
                                "questions": [i.pk for i in chosen if i.pk not in skipped],
                                "skipped": sorted(skipped), "summary": notes is not None})
    return HarvestResult(created, skipped=skipped, notes_added=notes is not None)

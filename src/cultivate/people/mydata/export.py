"""An archive of a person's own data: a ZIP of JSON files and a README explaining each.

Rows are found by the foreign keys that point at the person (as `people.merging` walks them)
and read through the app registry by label, so this module imports no other app's models.
Only rows the person wrote or owns are listed (authorship, their memberships, their votes):
never rows that merely mention them (a post they deleted as a moderator is someone else's text).
The archive is written to a temporary file, a chunk of rows at a time: memory stays bounded.
"""

import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Never in an archive: credentials, secrets and derived copies.
SECRET_FIELDS = frozenset({"password", "token_hash", "hint", "guest_token", "search_vector"})
CHUNK = 500


@dataclass(frozen=True)
class Part:
    filename: str
    model: str  # app label and model name
    owner: str  # the lookup from the row to the person
    about: str  # one line for the README


PARTS = (
    Part("memberships.json", "communities.Membership", "user",
         _("Communities you belong to, your role in each and when you joined.")),
    Part("join_requests.json", "communities.JoinRequest", "user",
         _("Your requests to join communities and how they were decided.")),
    Part("topics.json", "conversations.Topic", "author",
         _("Topics (discussions, questions, announcements) you started.")),
    Part("posts.json", "conversations.Post", "author",
         _("Every post you wrote (opening posts and replies), with its Markdown text.")),
    Part("helpful_marks.json", "conversations.Helpful", "user",
         _("Replies you marked as helpful.")),
    Part("flags.json", "conversations.Flag", "user", _("Posts you flagged for moderators.")),
    Part("topic_follows.json", "conversations.TopicFollow", "user", _("Topics you follow.")),
    Part("notifications.json", "conversations.Notification", "user",
         _("Notifications you received (which post, why, when read).")),
    Part("subscriptions.json", "conversations.CommunitySubscription", "user",
         _("Your mail settings per community (every post, digest, none).")),
    Part("methods.json", "practice.Method", "created_by",
         _("Methods of the practice library you created (their current text).")),
    Part("method_revisions.json", "practice.MethodRevision", "author",
         _("Each version of a method you saved, with its full content.")),
    Part("stories.json", "practice.Story", "author",
         _("Your stories of how a method worked (context, what you did, what happened).")),
    Part("story_comments.json", "practice.StoryComment", "author",
         _("Your comments on stories.")),
    Part("practitioner_of.json", "practice.Practitioner", "user",
         _("Methods you listed yourself as a practitioner of, with your note.")),
    Part("resources.json", "resources.Resource", "added_by",
         _("Library resources you added.")),
    Part("attachments.json", "attachments.Attachment", "uploader",
         _("Files you uploaded (names and sizes; the files themselves are on the site).")),
    Part("events_planned.json", "events.Event", "created_by", _("Events you planned.")),
    Part("rsvps.json", "events.Rsvp", "user", _("Your answers to events (going, maybe, no).")),
    Part("attendance.json", "events.Attendance", "user",
         _("The event dates you were checked in at.")),
    Part("event_feedback.json", "events.EventFeedback", "user",
         _("How useful you said events were, and what you said you would apply.")),
    Part("maturity_ratings.json", "health.MaturityRating", "user",
         _("Your ratings in communities' maturity self-assessments.")),
    Part("pulse_surveys_answered.json", "health.PulseReceipt", "user",
         _("The pulse surveys you answered (your answers are anonymous: they are not linked "
           "to you, even here).")),
    Part("live_participations.json", "live.Participant", "user",
         _("Live backchannels you joined and the name you used there.")),
    Part("live_items.json", "live.Item", "participant__user",
         _("Questions and comments you posted in live backchannels.")),
    Part("live_votes.json", "live.Vote", "participant__user",
         _("Live items you voted for.")),
    Part("live_poll_votes.json", "live.PollVote", "participant__user",
         _("Your answers to live polls.")),
    Part("applied.json", "evaluation.AppliedRecord", "user",
         _("What you said you applied in your work, with your notes.")),
    Part("follow_ups.json", "evaluation.FollowUp", "applied__user",
         _("Your answers to “did it make a difference?”.")),
    Part("value_stories.json", "evaluation.ValueStory", "teller",
         _("Value-creation stories told as yours.")),
    Part("value_story_steps.json", "evaluation.StoryStep", "story__teller",
         _("The steps of your value-creation stories, cycle by cycle.")),
    Part("corroborations.json", "evaluation.Corroboration", "user",
         _("Steps of others' stories you corroborated.")),
    Part("levels.json", "insights.MemberLevel", "user",
         _("Your level of participation in each community, as last computed.")),
    Part("level_changes.json", "insights.LevelChange", "user",
         _("When your level of participation changed.")),
    Part("network.json", "insights.NetworkMember", "user",
         _("Your place in each community's interaction network.")),
    Part("activity.json", "activity.Activity", "actor",
         _("Every row of the activity log with you as the actor: analytics are computed from it.")),
    Part("access_tokens.json", "people.PersonalAccessToken", "user",
         _("Names and dates of your API access tokens (never the secrets).")),
    Part("account_claims.json", "people.AccountClaim", "claimant",
         _("Your claims on imported accounts.")),
    Part("email_addresses.json", "account.EmailAddress", "user",
         _("Your e-mail addresses and whether they are verified.")),
)

README = _("""# Your data from {site}

Exported for {username} on {date} (UTC). Every file is JSON (UTF-8): `profile.json` is one
object, every other file a list of rows, one object per row. Ids (`..._id`) point at rows of
the site (a community, a topic, another person's account); text you wrote is in its Markdown
source. Secrets (your password, the access tokens themselves) are never exported.

| file | what it holds |
|---|---|
| `profile.json` | {profile_about} |
{rows}
""")


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields
            if field.name not in SECRET_FIELDS and not field.name.endswith("_html")]


def _profile(user) -> dict:
    return {
        "id": user.pk, "username": user.username, "email": user.email,
        "display_name": user.display_name, "first_name": user.first_name,
        "last_name": user.last_name, "bio": user.bio, "organisation": user.organisation,
        "location": user.location, "time_zone": user.time_zone, "languages": user.languages,
        "interface_language": user.language,
        "expertise": sorted(tag.name for tag in user.expertise.all()),
        "date_joined": user.date_joined, "last_login": user.last_login,
    }


def _write_rows(archive: zipfile.ZipFile, part: Part, model, user) -> None:
    rows = (model._base_manager.filter(**{part.owner: user}).order_by("pk")
            .values(*_columns(model)).iterator(chunk_size=CHUNK))
    with archive.open(part.filename, "w") as raw:
        raw.write(b"[")
        for index, row in enumerate(rows):
            raw.write((",\n" if index else "\n").encode())
            raw.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode())
        raw.write(b"\n]\n")


def parts_present() -> list[tuple[Part, object]]:
    found = []
    for part in PARTS:
        try:
            found.append((part, apps.get_model(part.model)))
        except LookupError:  # an app this instance does not install
            continue
    return found


def write_archive(user, *, site: str):
    """The archive as an open temporary file positioned at its start (deleted when closed)."""
    target = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - the response closes it
    parts = parts_present()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(
            _profile(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for part, model in parts:
            _write_rows(archive, part, model, user)
        rows = "\n".join(f"| `{part.filename}` | {part.about} |" for part, _model in parts)
        archive.writestr("README.md", str(README).format(
            profile_about=gettext("Your profile: names, bio, organisation, location, time "
                                  "zone, languages, expertise."),
            site=site, username=user.username, rows=rows,
            date=timezone.now().strftime("%Y-%m-%d %H:%M")))
    target.seek(0)
    return target

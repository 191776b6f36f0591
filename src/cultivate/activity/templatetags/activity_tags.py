from django import template
from django.utils.translation import gettext as _

from cultivate.activity.actions import Verb

register = template.Library()

SENTENCES = {
    Verb.COMMUNITY_VISITED: lambda: _("visited"),
    Verb.LIVE_JOINED: lambda: _("joined an event's backchannel"),
    Verb.EVENT_ATTENDED: lambda: _("attended an event"),
    Verb.EVENT_FEEDBACK_GIVEN: lambda: _("said how useful an event was"),
    Verb.LIVE_QUESTION_ASKED: lambda: _("asked a question during an event"),
    Verb.LIVE_COMMENTED: lambda: _("commented during an event"),
    Verb.LIVE_HARVESTED: lambda: _("harvested an event's backchannel"),
    Verb.COMMUNITY_CREATED: lambda: _("started the community"),
    Verb.CHARTER_EDITED: lambda: _("updated the charter"),
    Verb.MEMBER_JOINED: lambda: _("joined"),
    Verb.MEMBER_LEFT: lambda: _("left"),
    Verb.MEMBER_REMOVED: lambda: _("removed a member"),
    Verb.ROLE_CHANGED: lambda: _("changed a member's role"),
    Verb.JOIN_REQUESTED: lambda: _("asked to join"),
    Verb.JOIN_APPROVED: lambda: _("approved a request to join"),
    Verb.JOIN_DECLINED: lambda: _("declined a request to join"),
    Verb.JOIN_WITHDRAWN: lambda: _("withdrew a request to join"),
    Verb.TOPIC_STARTED: lambda: _("started a topic"),
    Verb.QUESTION_ASKED: lambda: _("asked a question"),
    Verb.POST_REPLIED: lambda: _("replied in a topic"),
    Verb.ANSWER_POSTED: lambda: _("answered a question"),
    Verb.ANSWER_ACCEPTED: lambda: _("accepted an answer"),
    Verb.TOPIC_MODERATED: lambda: _("moderated a topic"),
    Verb.POST_EDITED: lambda: _("edited a post"),
    Verb.POST_DELETED: lambda: _("deleted a post"),
    Verb.POST_RESTORED: lambda: _("restored a post"),
    Verb.POST_PURGED: lambda: _("removed a deleted post for good, after its restore window"),
    Verb.POST_MARKED_HELPFUL: lambda: _("found a reply helpful"),
    Verb.POST_FLAGGED: lambda: _("flagged a post for the moderators"),
    Verb.FLAGS_RESOLVED: lambda: _("dealt with flagged posts"),
    Verb.ATTACHMENT_UPLOADED: lambda: _("attached a file"),
    Verb.TOPIC_MOVED: lambda: _("moved a topic here"),
    Verb.METHOD_CREATED: lambda: _("wrote a method page"),
    Verb.METHOD_EDITED: lambda: _("edited a method page"),
    Verb.METHOD_SETTINGS: lambda: _("changed how a method page is shared"),
    Verb.STORY_TOLD: lambda: _("told a story of using a method"),
    Verb.STORY_COMMENTED: lambda: _("commented on a story of use"),
    Verb.PRACTITIONER_ADDED: lambda: _("said they use a method"),
    "format.adapted": lambda: _("adapted a learning format"),
    "format.adaptation_removed": lambda: _("stopped adapting a learning format"),
    Verb.RESOURCE_ADDED: lambda: _("added a resource to the library"),
    Verb.RESOURCE_EDITED: lambda: _("edited a resource in the library"),
    Verb.RESOURCE_DELETED: lambda: _("deleted a resource from the library"),
    Verb.RESOURCE_RESTORED: lambda: _("restored a resource in the library"),
    Verb.RESOURCE_PURGED: lambda: _(
        "removed a deleted resource for good, after its restore window"),
    Verb.KEY_RESOURCES_CURATED: lambda: _("updated the key resources"),
    Verb.EVENT_PLANNED: lambda: _("planned an event"),
    Verb.EVENT_CHANGED: lambda: _("changed an event"),
    Verb.EVENT_CANCELLED: lambda: _("cancelled an event"),
    Verb.EVENT_RSVP: lambda: _("answered an invitation to an event"),
    Verb.EVENT_OUTCOME_RECORDED: lambda: _("recorded what came out of an event"),
    Verb.APPLIED_RECORDED: lambda: _("applied something from the community in their work"),
    Verb.FOLLOW_UP_ANSWERED: lambda: _("said what difference it made"),
    Verb.VALUE_STORY_PUBLISHED: lambda: _("told a value-creation story"),
    Verb.STEP_CORROBORATED: lambda: _("corroborated a value-creation story"),
    Verb.INDICATOR_VALUE_ENTERED: lambda: _("entered a figure of an indicator"),
    Verb.INVITATION_SENT: lambda: _("invited someone"),
    Verb.INVITATION_ACCEPTED: lambda: _("accepted an invitation"),
    Verb.INVITATION_REVOKED: lambda: _("withdrew an invitation"),
}


@register.simple_tag
def describe_activity(activity) -> str:
    sentence = SENTENCES.get(activity.verb)
    return sentence() if sentence else activity.verb

"""Inviting members to a pulse survey: an in-app notice each, and a mail with their own link
to those who have not turned the community's mail off. Run by the task worker."""

from django.urls import reverse
from django.utils import timezone

from cultivate.communities.models import Membership
from cultivate.conversations.mailing import member_message
from cultivate.conversations.models import Notification, NotificationKind
from cultivate.core.mail import send_messages
from cultivate.health import pulse
from cultivate.health.models import PulseSurvey

BATCH = 200


def invite_to_pulse(survey_id: int) -> int:
    survey = PulseSurvey.objects.select_related("community").filter(pk=survey_id).first()
    if survey is None or not survey.is_open:
        return 0
    community = survey.community
    link = reverse("health:pulse-answer", kwargs={"slug": community.slug, "survey_id": survey.pk})
    title = str(community.name)[:200]
    members = (Membership.objects.filter(community=community, user__is_active=True)
               .select_related("user").order_by("pk"))
    invited, batch = 0, []
    for membership in members.iterator(chunk_size=BATCH):
        batch.append(membership.user)
        if len(batch) == BATCH:
            invited += _invite(survey, batch, link, title)
            batch = []
    if batch:
        invited += _invite(survey, batch, link, title)
    return invited


def _invite(survey, people, link: str, title: str) -> int:
    now = timezone.now()
    Notification.objects.bulk_create([
        Notification(user=person, kind=NotificationKind.PULSE, link=link, title=title,
                     created_at=now) for person in people])
    messages = [message for person in people if (message := member_message(
        person, survey.community, template="health/email/pulse",
        context={"survey": survey, "url": pulse.answer_url(survey, person)},
        list_name="pulse")) is not None]
    send_messages(messages)
    return len(people)

"""Fixtures the whole-site walks share (bad input, every language)."""

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def world(make_user, make_community):
    """One of everything a URL can name, so the real-value URLs reach the views' queries."""
    from cultivate.attachments.actions import do_upload_attachment
    from cultivate.attachments.tests.files import png, upload
    from cultivate.communities.actions import do_invite_member
    from cultivate.conversations.actions import do_reply, do_start_topic
    from cultivate.conversations.mailing import unsubscribe_token
    from cultivate.events.actions import do_ensure_calendar_feed, do_plan_event
    from cultivate.live.actions import do_create_poll, do_join_as_member, do_post_item
    from cultivate.people.actions import do_create_access_token
    from cultivate.practice.actions import do_create_method, do_tell_story
    from cultivate.resources.actions import do_add_resource

    ana, milica = make_user("ana"), make_user("milica")
    budget = make_community(ana, name="Budget", join_policy="request")
    from cultivate.communities.actions import do_request_to_join

    do_request_to_join(actor=milica, community=budget, message="Hello")
    topic = do_start_topic(actor=ana, community=budget, kind="question", title="How to start?",
                           body="Where do we begin with circulars?")
    post = do_reply(actor=ana, topic=topic, body="With a peer review.")
    method = do_create_method(actor=ana, community=budget, title="Budget circles",
                              brief="Peers meet.")
    story = do_tell_story(actor=ana, method=method, title="It worked", outcome="success",
                          context="A ministry.", what_we_did="Met.", what_happened="Learned.")
    resource = do_add_resource(actor=ana, community=budget, form="link", title="Guide",
                               summary="A guide", language="en", url="https://example.org/g")
    attachment = do_upload_attachment(actor=ana, community=budget,
                                      uploaded_file=upload("dot.png", png(), "image/png"))
    start = timezone.now() + timedelta(days=2)
    event = do_plan_event(actor=ana, community=budget, title="Case clinic", starts_at=start,
                          ends_at=start + timedelta(hours=1), time_zone="UTC")
    participant = do_join_as_member(actor=ana, event=event)
    item = do_post_item(participant=participant, kind="question", body="Why?")
    poll = do_create_poll(actor=ana, event=event, question="Which?", options=["A", "B"])
    invitation = do_invite_member(actor=ana, community=budget, email="new@example.org")
    token, _secret = do_create_access_token(actor=ana, name="walker")
    values = {
        "slug": budget.slug, "user_id": milica.pk, "request_id": 1, "topic_id": topic.pk,
        "post_id": post.pk, "invitation_id": invitation.pk, "token": invitation.token,
        "token_id": token.pk, "username": "milica", "format_slug": "case-clinics",
        "method": method.slug, "version": 1, "story_id": story.pk, "resource_id": resource.pk,
        "attachment_id": attachment.pk, "name": attachment.original_name, "pk": event.pk,
        "event_id": event.pk, "participant_id": participant.pk, "item_id": item.pk,
        "poll_id": poll.pk, "code": event.join_code, "claim_id": 1, "which": "edges",
        "chart": "levels", "fmt": "csv", "provider_id": "sso", "key": "forged",
        "uidb36": "1", "object_id": 1, "app_label": "people", "content_type_id": 1,
    }
    feed = do_ensure_calendar_feed(actor=milica)
    return {"ana": ana, "milica": milica, "values": values,
            "feed": feed.token, "unsubscribe": unsubscribe_token(milica.pk, budget.pk)}

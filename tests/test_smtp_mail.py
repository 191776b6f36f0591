"""Invitations leave through a real SMTP server (aiosmtpd on loopback)."""

import pytest

from cultivate.communities.actions import do_invite_member


@pytest.mark.django_db(transaction=True)
def test_invitation_is_delivered_over_smtp(smtp_server, make_user, make_community):
    ana = make_user("ana", display_name="Ana Lima")
    community = make_community(ana, name="Humanitarian Logistics")
    invitation = do_invite_member(actor=ana, community=community, email="cleo@example.org",
                                  message="We would love your field experience.")
    assert len(smtp_server.messages) == 1
    delivered = smtp_server.messages[0]
    assert delivered["To"] == "cleo@example.org"
    assert "Humanitarian Logistics" in delivered["Subject"]
    body = delivered.get_payload(decode=True).decode()
    assert f"/invitations/{invitation.token}/" in body
    assert "Ana Lima invites you" in body


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_the_transaction_rolls_back(smtp_server, make_user, make_community):
    from django.db import transaction

    ana = make_user("ana")
    community = make_community(ana, name="Humanitarian Logistics")
    with pytest.raises(RuntimeError), transaction.atomic():
        do_invite_member(actor=ana, community=community, email="cleo@example.org")
        raise RuntimeError("something later failed")
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_posts_and_digests_travel_over_smtp_with_one_click_unsubscribe(
        smtp_server, make_user, make_community):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from cultivate.communities.models import Membership
    from cultivate.conversations import actions, mailing
    from cultivate.conversations.models import CommunitySubscription

    ana, ben = make_user("ana", display_name="Ana Lima"), make_user("ben")
    community = make_community(ana, name="Cash & Voucher Practice")
    Membership.objects.create(community=community, user=ben)
    actions.do_set_subscription(actor=ben, community=community, email_mode="every_post")
    topic = actions.do_start_topic(actor=ana, community=community, kind="question",
                                   title="Voucher fairs in winter", body="Who ran one indoors?")
    assert [m["To"] for m in smtp_server.messages] == ["ben@example.org"]
    mail = smtp_server.messages[0]
    assert mail["Subject"] == "[Cash & Voucher Practice] Voucher fairs in winter"
    assert "Who ran one indoors?" in mail.get_content()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>")

    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    answer = Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix("http://127.0.0.1:8000"), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert CommunitySubscription.objects.get(user=ben).email_mode == "nothing"
    actions.do_reply(actor=ana, topic=topic, body="Anyone?")
    assert len(smtp_server.messages) == 1

    # Ana gets the default weekly digest of what others wrote, once.
    mailing.send_due_digests(timezone.now() - timedelta(minutes=1))  # the clock's first tick
    actions.do_reply(actor=ben, topic=topic, body="We did, in a school gym.")
    week_later = timezone.now() + timedelta(days=7)
    assert mailing.send_due_digests(week_later) == 1
    assert mailing.send_due_digests(week_later) == 0
    digest = smtp_server.messages[-1]
    assert digest["To"] == "ana@example.org"
    text = digest.get_content()
    assert "Voucher fairs in winter: 1 new reply" in text
    assert "/unsubscribe/" in digest["List-Unsubscribe"]


@pytest.mark.django_db(transaction=True)
def test_sign_up_mail_names_the_site_and_links_to_its_address(smtp_server, settings):
    """allauth names the site from django.contrib.sites: never Django's 'example.com'."""
    from django.test import Client

    from cultivate.core.site import sync_site_record

    settings.SITE_URL, settings.SITE_NAME = "http://127.0.0.1:8231", "Finance Learning Hub"
    sync_site_record()
    answer = Client().post("/accounts/signup/", {
        "email": "nadia@example.org", "username": "nadia",
        "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42"})
    assert answer.status_code == 302, answer.content[:2000]
    mail = smtp_server.messages[-1]
    text = mail.get_content()
    assert "example.com" not in text + str(mail["Subject"])
    assert "Finance Learning Hub" in text + str(mail["Subject"])

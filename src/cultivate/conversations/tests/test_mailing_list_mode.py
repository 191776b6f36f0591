"""Mailing-list mode: every post as its own mail that mail clients thread and members answer
by replying; and the monthly digest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.conversations import actions, mail_in, mailing
from cultivate.conversations.models import Post
from cultivate.conversations.reply_address import read_reply_address

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _mail_domain(settings):
    settings.MAIL_IN_DOMAIN = "cop.example.org"


def test_every_post_mail_threads_and_can_be_answered(clinic, smtp_server):
    community, p = clinic
    for person in ("ben", "cleo"):
        actions.do_set_subscription(actor=p[person], community=community,
                                    email_mode="every_post")
    topic = actions.do_start_topic(actor=p["ana"], community=community, title="Costing help",
                                   body="Any template?")
    opening = topic.posts.get()
    first = actions.do_reply(actor=p["ben"], topic=topic, body="The SDG sheet.")
    actions.do_reply(actor=p["ana"], topic=topic, body="Thanks!", reply_to=first)
    received = smtp_server.messages
    # Opening: 2 copies (ben, cleo); ben's reply: cleo; ana's reply: ben and cleo.
    assert len(received) == 5
    opening_id = f"<post-{opening.pk}.{topic.pk}@cop.example.org>"
    first_id = f"<post-{first.pk}.{topic.pk}@cop.example.org>"
    copies = [m for m in received if m["Message-ID"] == opening_id]
    assert sorted(str(m["To"]) for m in copies) == ["ben@example.org", "cleo@example.org"]
    assert copies[0]["In-Reply-To"] is None
    last = received[-1]
    assert last["In-Reply-To"] == first_id
    assert last["References"].split() == [opening_id, first_id]
    assert last["List-Id"] == "<budget-clinic.127.0.0.1>"
    assert last["List-Post"] == "<mailto:budget-clinic@cop.example.org>"
    assert last["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert last["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Reply to this mail to answer" in last.get_content()
    # Each copy's Reply-To is its reader's own: answering it posts as them.
    reply_to = str(last["Reply-To"])
    target = read_reply_address(reply_to)
    recipient = {"ben@example.org": p["ben"], "cleo@example.org": p["cleo"]}[str(last["To"])]
    assert (target.user_id, target.topic_id) == (recipient.pk, topic.pk)
    answer = last.__class__()
    answer["From"], answer["To"] = last["To"], reply_to
    answer["Subject"], answer["In-Reply-To"] = "Re: Costing help", last["Message-ID"]
    answer.set_content("Answered by mail.\n\n> Thanks!\n")
    assert mail_in.receive(answer.as_bytes(), str(last["To"]), [reply_to]).reason == "posted"
    post = Post.objects.latest("id")
    assert (post.author, post.body, post.topic) == (recipient, "Answered by mail.", topic)


def test_monthly_digest(clinic, mailoutbox):
    community, p = clinic
    actions.do_set_subscription(actor=p["cleo"], community=community, email_mode="monthly")
    mailing.send_due_digests(timezone.now() - timedelta(minutes=1))  # defaults for the others
    actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                           body="When?")
    in_a_week = timezone.now() + timedelta(days=7)
    mailoutbox.clear()
    mailing.send_due_digests(in_a_week)
    assert "cleo@example.org" not in [m.to[0] for m in mailoutbox]  # weekly ones went
    in_a_month = timezone.now() + timedelta(days=30)
    mailoutbox.clear()
    mailing.send_due_digests(in_a_month)
    assert [m.to for m in mailoutbox] == [["cleo@example.org"]]
    assert "Budget calendars" in mailoutbox[0].body


def test_the_settings_page_names_mailing_list_mode_and_the_monthly_digest(clinic, signed_in):
    community, p = clinic
    page = signed_in(p["ben"]).get("/me/email/").content.decode()
    assert "Every post as its own mail (mailing-list mode)" in page
    assert 'value="monthly"' in page
    assert "budget-clinic@cop.example.org" in page
    saved = signed_in(p["ben"]).put("/api/v1/communities/budget-clinic/subscription",
                                     {"email_mode": "monthly"}, content_type="application/json")
    assert saved.json()["email_mode"] == "monthly"

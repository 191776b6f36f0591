"""Replies and new topics by mail: real RFC 5322 messages handed to mail_in.receive, as the
listeners hand them; answer mails leave through Django's outbox."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from cultivate.attachments.models import Attachment
from cultivate.attachments.tests import files
from cultivate.conversations import actions, mail_in
from cultivate.conversations.models import InboundMail, Post, Topic
from cultivate.conversations.reply_address import (
    community_address,
    mail_domain,
    read_reply_address,
    reply_address,
)
from cultivate.core import inbound
from cultivate.core.models import MailBounce

# Answer mails leave when the transaction commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _mail_in_settings(settings, tmp_path):
    settings.MAIL_IN_DOMAIN = "cop.example.org"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def thread(clinic):
    """Ben asked; ana answered. Reply addresses are made for ben."""
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Costing a programme budget", body="Any template?")
    answer = actions.do_reply(actor=p["ana"], topic=topic, body="Try the SDG costing sheet.")
    return community, p, topic, answer


def mail(*, sender: str, to: str, body: str, subject: str = "Re: Costing a programme budget",
         **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def receive(message: EmailMessage, *, envelope: str | None = None, to: str | None = None):
    sender = message["From"].addresses[0].addr_spec if envelope is None else envelope
    return inbound.deliver(message.as_bytes(), sender, [to or str(message["To"])])


def replies(topic):
    return list(Post.objects.filter(topic=topic, is_opening=False).order_by("id"))


GMAIL = """Thanks, we tag by programme and by SDG.

On Tue, 3 Mar 2026 at 10:00, Ana Lima via Cultivate <reply+abc@cop.example.org> wrote:
> Try the SDG costing sheet.
>
> Read on the site: https://cop.example.org/c/budget-clinic/t/1/
"""
OUTLOOK = """Our ministry costs quarterly.

Best regards,
Ben

-----Original Message-----
From: Cultivate <cultivate@cop.example.org>
Sent: Tuesday, March 3, 2026 10:00 AM
To: Ben <ben@example.org>
Subject: Re: Costing a programme budget

Try the SDG costing sheet.
"""
FRENCH = """Nous utilisons aussi la fiche ODD.

Le mar. 3 mars 2026 à 10:00, Ana Lima <reply+abc@cop.example.org> a écrit :
> Try the SDG costing sheet.
"""
SIGNED = """Here is the template we use.

--
Ben Okafor
Budget Office, Ministry of Finance
+1 555 0100
"""


def test_reply_address_names_person_topic_and_post_and_survives_lowercasing(thread):
    _community, p, topic, answer = thread
    address = reply_address(p["ben"], post=answer)
    local, domain = address.split("@")
    assert domain == "cop.example.org" == mail_domain() and len(local) <= 64
    for variant in (address, address.upper(), f"Ben <{address.lower()}>"):
        target = read_reply_address(variant)
        assert (target.user_id, target.topic_id, target.post_id) == (
            p["ben"].pk, topic.pk, answer.pk)
    assert read_reply_address(reply_address(p["ben"], topic=topic)).post_id is None
    forged = local[:-1] + ("a" if local[-1] != "a" else "b")
    assert read_reply_address(f"{forged}@{domain}") is None
    # Someone else's ids with ben's signature: refused.
    parts = local.removeprefix("reply+").split(".")
    assert read_reply_address(f"reply+{'.'.join(['zz', *parts[1:]])}@{domain}") is None
    old = reply_address(p["ben"], post=answer, now=timezone.now() - timedelta(days=91))
    assert read_reply_address(old) is None
    assert community_address(topic.community) == "budget-clinic@cop.example.org"


@pytest.mark.parametrize(("text", "expected"), [
    (GMAIL, "Thanks, we tag by programme and by SDG."),
    (OUTLOOK, "Our ministry costs quarterly."),
    (FRENCH, "Nous utilisons aussi la fiche ODD."),
    (SIGNED, "Here is the template we use."),
])
def test_a_reply_by_mail_is_posted_without_quotes_and_signature(thread, mailoutbox, text,
                                                                expected):
    community, p, topic, answer = thread
    message = mail(sender="Ben Okafor <ben@example.org>", to=reply_address(p["ben"], post=answer),
                   body=text)
    delivery = receive(message)
    assert delivery.accepted and delivery.reason == "posted"
    post = replies(topic)[-1]
    assert post.body == expected
    assert post.author == p["ben"] and post.reply_to == answer
    assert not mailoutbox  # no answer mail for a success
    log = InboundMail.objects.get()
    assert (log.outcome, log.post, log.user) == ("posted", post, p["ben"])
    assert log.message_id == message["Message-ID"] and log.size > 0


def test_a_reply_is_a_reply_like_any_other(thread, mailoutbox):
    """Followers hear of it, every-post readers get it, the topic counts it."""
    community, p, topic, answer = thread
    actions.do_set_subscription(actor=p["cleo"], community=community, email_mode="every_post")
    receive(mail(sender="ben@example.org", to=reply_address(p["ben"], topic=topic),
                 body="Answered from my inbox."))
    topic.refresh_from_db()
    assert topic.reply_count == 2
    assert [m.to for m in mailoutbox] == [["cleo@example.org"]]
    assert "Answered from my inbox." in mailoutbox[0].body
    assert p["ana"].notifications.filter(kind="reply").exists()


def test_an_uppercased_address_and_a_mixed_case_sender_still_post(thread):
    _community, p, topic, answer = thread
    address = reply_address(p["ben"], post=answer).upper()
    receive(mail(sender="BEN@Example.ORG", to=address, body="Yes."))
    assert replies(topic)[-1].body == "Yes."


def test_attachments_become_attachments_linked_in_the_post(thread):
    community, p, topic, answer = thread
    message = mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer),
                   body="Our template and a chart.")
    message.add_attachment(files.pdf(), maintype="application", subtype="pdf",
                           filename="costing template.pdf")
    message.add_attachment(files.png(), maintype="image", subtype="png", filename="chart.png",
                           disposition="inline")
    assert receive(message).reason == "posted"
    post = replies(topic)[-1]
    stored = {a.original_name: a for a in Attachment.objects.filter(community=community)}
    assert set(stored) == {"costing template.pdf", "chart.png"}
    assert post.body.startswith("Our template and a chart.")
    assert stored["costing template.pdf"].markdown in post.body
    assert stored["chart.png"].markdown in post.body and "![chart.png]" in post.body
    assert all(a.uploader == p["ben"] for a in stored.values())


def test_a_refused_attachment_refuses_the_whole_mail(thread, mailoutbox, settings):
    community, p, topic, answer = thread
    message = mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer),
                   body="Here is the tool.")
    message.add_attachment(files.pdf(), maintype="application", subtype="pdf",
                           filename="notes.pdf")
    message.add_attachment(files.exe(), maintype="application", subtype="octet-stream",
                           filename="costing.exe")
    assert receive(message).reason == "attachment_refused"
    assert replies(topic) == [answer] and not Attachment.objects.exists()
    assert not any((settings.MEDIA_ROOT).rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else True
    [answer_mail] = mailoutbox
    assert "costing.exe" in answer_mail.body and "Windows program" in answer_mail.body


def refusal(mailoutbox, to: str):
    """The one answer mail, checked for what every answer carries."""
    assert len(mailoutbox) == 1
    answer = mailoutbox[0]
    assert answer.to == [to]
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert answer.subject.startswith("Not posted:")
    return answer


def test_a_forged_or_expired_address_posts_nothing_and_says_why(thread, mailoutbox):
    _community, p, topic, answer = thread
    good = reply_address(p["ben"], post=answer)
    broken = good.replace("reply+", "reply+1")
    receive(mail(sender="ben@example.org", to=broken, body="Hello"))
    assert "not one of our reply addresses" in refusal(mailoutbox, "ben@example.org").body
    mailoutbox.clear()
    old = reply_address(p["ben"], post=answer, now=timezone.now() - timedelta(days=91))
    receive(mail(sender="ben@example.org", to=old, body="Hello"))
    body = refusal(mailoutbox, "ben@example.org").body
    assert "more than 90 days old" in body and topic.get_absolute_url() in body
    assert replies(topic) == [answer]
    assert list(InboundMail.objects.order_by("id").values_list("reason", flat=True)) == [
        "bad_token", "expired_token"]


def test_only_the_owner_of_the_address_may_use_it(thread, mailoutbox):
    _community, p, topic, answer = thread
    receive(mail(sender="cleo@example.org", to=reply_address(p["ben"], post=answer),
                 body="I am not ben"))
    assert "belongs to someone else" in refusal(mailoutbox, "cleo@example.org").body
    assert replies(topic) == [answer]
    # A From the receiving relay found forged (DMARC) is refused too.
    mailoutbox.clear()
    forged = mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer),
                  body="Me?", Authentication_Results="mx.cop.example.org; dmarc=fail")
    assert receive(forged).reason == "wrong_sender"
    assert replies(topic) == [answer]


def test_a_member_who_left_or_a_closed_topic_gets_a_clear_no(thread, mailoutbox):
    community, p, topic, answer = thread
    address = reply_address(p["cleo"], post=answer)
    actions.do_moderate_topic(actor=p["ana"], topic=topic, is_closed=True)
    receive(mail(sender="cleo@example.org", to=address, body="Late answer"))
    assert "locked or closed" in refusal(mailoutbox, "cleo@example.org").body
    mailoutbox.clear()
    actions.do_moderate_topic(actor=p["ana"], topic=topic, is_closed=False)
    p["cleo"].memberships.all().delete()
    receive(mail(sender="cleo@example.org", to=address, body="Late answer"))
    assert "no longer write" in refusal(mailoutbox, "cleo@example.org").body
    assert replies(topic) == [answer]


def test_an_empty_reply_or_one_too_large_is_refused(thread, mailoutbox, settings):
    _community, p, topic, answer = thread
    address = reply_address(p["ben"], post=answer)
    only_quote = "On Tue, 3 Mar 2026 at 10:00, Ana <a@b.org> wrote:\n> Try the sheet.\n"
    assert receive(mail(sender="ben@example.org", to=address, body=only_quote)).reason == "empty"
    assert "nothing was left to post" in refusal(mailoutbox, "ben@example.org").body
    mailoutbox.clear()
    settings.MAIL_IN_MAX_BYTES = 2000
    big = mail(sender="ben@example.org", to=address, body="x " * 2000)
    assert receive(big).reason == "too_large"
    assert "larger than 1 MB" in refusal(mailoutbox, "ben@example.org").body
    assert replies(topic) == [answer]
    assert InboundMail.objects.filter(reason="too_large").get().size > 2000


def test_the_same_message_twice_posts_once(thread, mailoutbox):
    _community, p, topic, answer = thread
    message = mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer),
                   body="Only once please.")
    assert receive(message).reason == "posted"
    assert receive(message).reason == "duplicate"
    assert [post.body for post in replies(topic)] == ["Try the SDG costing sheet.",
                                                      "Only once please."]
    assert not mailoutbox


def test_bounces_and_automatic_replies_are_never_answered(thread, mailoutbox):
    _community, p, topic, answer = thread
    address = reply_address(p["ben"], post=answer)
    away = mail(sender="ben@example.org", to=address, body="I am away until Monday.",
                subject="Out of office: Costing a programme budget")
    assert receive(away).reason == "auto_reply"
    auto = mail(sender="ben@example.org", to=address, body="Thanks for your mail.",
                Auto_Submitted="auto-replied")
    assert receive(auto).reason == "auto_reply"
    bulk = mail(sender="ben@example.org", to=address, body="News", Precedence="bulk")
    assert receive(bulk).reason == "auto_reply"
    # A bad address from an empty envelope sender is a bounce: no answer either.
    assert receive(mail(sender="someone@example.net", to="reply+nothing@cop.example.org",
                        body="?"), envelope="").reason == "bounce"
    assert replies(topic) == [answer] and not mailoutbox


def test_answers_are_limited_per_sender_and_hour(thread, mailoutbox, settings):
    _community, p, _topic, _answer = thread
    settings.MAIL_IN_REFUSALS_PER_HOUR = 2
    for _ in range(4):
        receive(mail(sender="stranger@example.net", to="reply+forged@cop.example.org",
                     body="Hello"))
    assert len(mailoutbox) == 2
    assert InboundMail.objects.filter(reason="bad_token").count() == 4
    assert InboundMail.objects.exclude(answered_to="").count() == 2


def test_posting_by_mail_keeps_the_sites_pace_for_writers(thread, mailoutbox, settings):
    community, p, topic, _answer = thread
    settings.CULTIVATE_WRITE_RATE = "2/m"
    address = reply_address(p["ben"], topic=topic)
    outcomes = [receive(mail(sender="ben@example.org", to=address, body=f"Point {n}")).reason
                for n in range(3)]
    assert outcomes == ["posted", "posted", "too_fast"]
    assert [post.body for post in replies(topic)][-2:] == ["Point 0", "Point 1"]
    assert "Wait a minute" in mailoutbox[-1].body
    started = receive(mail(sender="ben@example.org", to=community_address(community),
                           subject="A third", body="Too soon"))
    assert started.reason == "too_fast" and not Topic.objects.filter(title="A third").exists()


def test_members_start_topics_by_mail(thread, mailoutbox):
    community, p, _topic, _answer = thread
    message = mail(sender="Cleo <cleo@example.org>", to=community_address(community),
                   subject="Gender budgeting tags", body="How do you tag spending?\n\n--\nCleo")
    assert receive(message).reason == "started"
    topic = Topic.objects.get(title="Gender budgeting tags")
    opening = topic.posts.get()
    assert (topic.author, topic.community, opening.body) == (
        p["cleo"], community, "How do you tag spending?")
    assert InboundMail.objects.get(reason="started").post == opening


def test_a_site_served_on_an_ip_address_writes_address_literals(thread, settings):
    """`cultivate run` on 127.0.0.1: `x@127.0.0.1` is no valid address; `x@[127.0.0.1]` is."""
    community, p, topic, _answer = thread
    settings.MAIL_IN_DOMAIN, settings.SITE_URL = "", "http://127.0.0.1:8231"
    address = reply_address(p["ben"], topic=topic)
    assert address.endswith("@[127.0.0.1]")
    assert community_address(community) == f"{community.slug}@[127.0.0.1]"
    assert receive(mail(sender="ben@example.org", to=address, body="Thanks!")).reason == "posted"
    message = mail(sender="cleo@example.org", to=community_address(community).upper(),
                   subject="Literal addresses", body="Do they work?")
    assert receive(message).reason == "started"
    assert replies(topic)[-1].body == "Thanks!"


def test_strangers_and_unknown_communities_cannot_start_topics(thread, mailoutbox):
    community, p, _topic, _answer = thread
    receive(mail(sender="olga@example.org", to=community_address(community),
                 subject="Buy my course", body="Cheap"))
    assert "not belong to a member of Budget Clinic" in refusal(
        mailoutbox, "olga@example.org").body
    mailoutbox.clear()
    receive(mail(sender="cleo@example.org", to="no-such-cop@cop.example.org",
                 subject="Hello there", body="Anyone?"))
    assert "No community has this address" in refusal(mailoutbox, "cleo@example.org").body
    assert Topic.objects.count() == 1


def test_a_reply_sent_to_the_community_address_needs_its_token(thread, mailoutbox):
    community, p, topic, answer = thread
    parent = f"<post-{answer.pk}.{topic.pk}@cop.example.org>"
    message = mail(sender="cleo@example.org", to=community_address(community),
                   body="Agreed.", In_Reply_To=parent, References=parent)
    assert receive(message).reason == "reply_without_token"
    assert "reply to the mail of the post itself" in refusal(
        mailoutbox, "cleo@example.org").body
    assert Topic.objects.count() == 1 and replies(topic) == [answer]


def test_a_topic_reply_threads_under_the_post_it_answers(thread):
    """A token for the topic only: In-Reply-To says which post the mail answered."""
    _community, p, topic, answer = thread
    parent = f"<post-{answer.pk}.{topic.pk}@cop.example.org>"
    receive(mail(sender="ben@example.org", to=reply_address(p["ben"], topic=topic),
                 body="Threaded.", In_Reply_To=parent))
    assert replies(topic)[-1].reply_to == answer


def test_bounces_switch_mail_off_and_the_member_turns_it_back_on(thread, mailoutbox, settings,
                                                                signed_in):
    community, p, topic, answer = thread
    settings.MAIL_BOUNCE_LIMIT = 2
    actions.do_set_subscription(actor=p["ben"], community=community, email_mode="every_post")
    for _ in range(2):
        assert mail_in.receive(dsn("ben@example.org"), "", ["cultivate@cop.example.org"]) == (
            inbound.Delivery(accepted=True, reason="bounce"))
    assert MailBounce.objects.get(email="ben@example.org").suppressed_at is not None
    actions.do_reply(actor=p["ana"], topic=topic, body="A new reply ben will not get.")
    assert not mailoutbox
    page = signed_in(p["ben"]).get("/me/email/").content.decode()
    assert "Mail to your address is off" in page and "2 times in a row" in page
    answer_page = signed_in(p["ben"]).post("/me/email/", {"resume_mail": "1"}, follow=True)
    assert "is on again" in answer_page.content.decode()
    assert not MailBounce.objects.exists()
    actions.do_reply(actor=p["ana"], topic=topic, body="This one arrives.")
    assert [m.to for m in mailoutbox] == [["ben@example.org"]]


def test_a_reply_by_mail_resets_the_bounce_count(thread, settings):
    _community, p, topic, answer = thread
    settings.MAIL_BOUNCE_LIMIT = 2
    mail_in.receive(dsn("ben@example.org"), "", ["cultivate@cop.example.org"])
    receive(mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer), body="Hi"))
    mail_in.receive(dsn("ben@example.org"), "", ["cultivate@cop.example.org"])
    assert MailBounce.objects.get().suppressed_at is None  # 1 in a row, not 2


def test_a_delayed_delivery_report_does_not_count(thread):
    mail_in.receive(dsn("ben@example.org", action="delayed", status="4.4.1"), "",
                    ["cultivate@cop.example.org"])
    assert not MailBounce.objects.filter(bounces_in_row__gt=0).exists()


def dsn(address: str, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: cultivate@{mail_domain()}
Subject: Undelivered Mail Returned to Sender
Message-ID: <{timezone.now().timestamp()}.dsn@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {address}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected

--B--
""".replace("\n", "\r\n").encode()


@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\xff garbage without headers",
    b"From: not an address\r\nTo: reply+x@cop.example.org\r\nSubject: =?utf-8?b?////?=\r\n\r\nhi",
    b"From: ben@example.org\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\n"
    b"Content-Type: text/plain; charset=unknown-8bit\r\n\r\n\xe9t\xe9\r\n--X",
    b"From: ben@example.org\r\nContent-Type: text/html; charset=latin-1\r\n\r\n"
    b"<html><style>p{}</style><p>Caf\xe9 <b>ok</b></p></html>",
])
def test_broken_mail_never_raises(thread, raw):
    _community, p, topic, answer = thread
    to = reply_address(p["ben"], post=answer)
    delivery = mail_in.receive(raw, "ben@example.org", [to])
    assert delivery.accepted
    if b"<b>ok</b>" in raw:  # an HTML-only mail becomes Markdown
        assert replies(topic)[-1].body == "Café **ok**"
    elif b"unknown-8bit" in raw:  # ben's, with a token: posted, unknown bytes replaced
        assert replies(topic)[-1].body == "\ufffdt\ufffd"
    else:
        assert replies(topic) == [answer]


def test_platform_admins_read_the_log_of_received_mail(thread, make_user, signed_in):
    _community, p, _topic, answer = thread
    receive(mail(sender="ben@example.org", to=reply_address(p["ben"], post=answer), body="Hi"))
    mail_in.receive(dsn("cleo@example.org"), "", ["cultivate@cop.example.org"])
    admin = signed_in(make_user("root", superuser=True))
    page = admin.get("/admin/conversations/inboundmail/").content.decode()
    assert "ben@example.org" in page and "Reply posted" in page and "Bounce" in page
    assert admin.get("/admin/core/mailbounce/").status_code == 200
    assert signed_in(p["ana"]).get("/admin/conversations/inboundmail/").status_code == 302

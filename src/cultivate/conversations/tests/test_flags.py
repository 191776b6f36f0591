import json

import pytest

from cultivate.conversations import actions
from cultivate.conversations.models import Flag, Post
from cultivate.core.errors import ActionError, Conflict, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(clinic):
    community, people = clinic
    topic = actions.do_start_topic(actor=people["ben"], community=community,
                                   title="Budget calendars", body="When?")
    spam = actions.do_reply(actor=people["cleo"], topic=topic, body="Buy cheap watches!")
    return topic, spam, people


def test_flag_queue_hide_and_dismiss(thread, signed_in):
    topic, spam, people = thread
    actions.do_flag_post(actor=people["ben"], post=spam, reason="spam", note="an ad")
    with pytest.raises(Conflict):
        actions.do_flag_post(actor=people["ben"], post=spam, reason="spam")
    with pytest.raises(ActionError):
        actions.do_flag_post(actor=people["cleo"], post=spam, reason="spam")  # own post
    with pytest.raises(ActionError):
        actions.do_flag_post(actor=people["ana"], post=spam, reason="boring", note="x" * 600)
    with pytest.raises(NotAllowed):
        actions.do_flag_post(actor=people["olga"], post=spam, reason="spam")
    queue = signed_in(people["ana"]).get("/c/budget-clinic/moderation/").content.decode()
    assert "Buy cheap watches!" in queue and "an ad" in queue
    assert signed_in(people["ben"]).get("/c/budget-clinic/moderation/").status_code == 403
    signed_in(people["ana"]).post("/c/budget-clinic/moderation/",
                                  {"post_id": spam.pk, "decision": "hide"})
    assert Post.objects.get(pk=spam.pk).deleted_at is not None
    assert Flag.objects.get().status == "hidden"
    page = signed_in(people["ben"]).get(topic.get_absolute_url()).content.decode()
    assert "This post was deleted." in page and "watches" not in page


def test_flags_through_the_api(thread, signed_in):
    topic, spam, people = thread
    url = f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{spam.pk}/flags"
    ben = signed_in(people["ben"])
    assert ben.post(url, json.dumps({"reason": "spam"}),
                    content_type="application/json").status_code == 201
    bad = ben.post(url, json.dumps({"reason": "meh"}), content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    ana = signed_in(people["ana"])
    queue = ana.get("/api/v1/communities/budget-clinic/moderation").json()
    assert [(q["post"]["id"], q["open_flags"], q["reasons"]) for q in queue] == [
        (spam.pk, 1, ["spam"])]
    assert ben.get("/api/v1/communities/budget-clinic/moderation").status_code == 403
    dismissed = ana.post(f"/api/v1/communities/budget-clinic/moderation/{spam.pk}",
                         json.dumps({"decision": "dismiss"}), content_type="application/json")
    assert dismissed.status_code == 204
    assert Flag.objects.get().status == "dismissed"
    assert Post.objects.get(pk=spam.pk).deleted_at is None
    assert ana.get("/api/v1/communities/budget-clinic/moderation").json() == []


def test_flag_page_keeps_the_note_when_refused(thread, signed_in):
    topic, spam, people = thread
    ben = signed_in(people["ben"])
    url = f"{topic.get_absolute_url()}p/{spam.pk}/flag/"
    assert f'href="{url}"' in ben.get(topic.get_absolute_url()).content.decode()
    form = ben.get(url)
    assert form.status_code == 200 and b"Buy cheap watches" in form.content
    refused = ben.post(url, {"reason": "boring", "note": "sells watches"})
    assert refused.status_code == 400
    assert b'value="sells watches"' in refused.content and b"role=\"alert\"" in refused.content
    sent = ben.post(url, {"reason": "spam", "note": "sells watches"})
    assert sent.status_code == 302 and Flag.objects.get(post=spam).note == "sells watches"
    assert signed_in(people["olga"]).get(url).status_code == 403

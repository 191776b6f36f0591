"""Stories of use can be rewritten by their author (or a steward) and keep their earlier text."""

import json

import pytest

from cultivate.audit.models import AuditEntry
from cultivate.communities.models import Membership
from cultivate.core.errors import NotAllowed
from cultivate.history.models import TextRevision
from cultivate.practice.actions import do_create_method, do_edit_story, do_tell_story

STORY = {"title": "Peer assist in Almaty", "outcome": "mixed",
         "context": "A new treasury law.", "what_we_did": "Invited two peers.",
         "what_happened": "Good advice, late.", "differently": ""}


@pytest.fixture
def told(make_user, make_community):
    ana, ben, bea, olga = (make_user(n) for n in ("ana", "ben", "bea", "olga"))
    circle = make_community(ana, name="Treasury Circle", visibility="private",
                            join_policy="invitation")
    for member in (ben, bea):
        Membership.objects.create(community=circle, user=member)
    method = do_create_method(actor=ana, community=circle, title="Peer assist",
                              brief="Get advice from peers before a project starts.")
    story = do_tell_story(actor=ben, method=method, **STORY)
    return story, {"ana": ana, "ben": ben, "bea": bea, "olga": olga}


def _put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


@pytest.mark.django_db
def test_the_author_rewrites_a_story_and_its_history_shows_the_change(told, signed_in):
    story, people = told
    ben = signed_in(people["ben"])
    page = ben.get(story.get_absolute_url()).content.decode()
    edit_url = f"{story.get_absolute_url()}edit/"
    assert f'href="{edit_url}"' in page
    answer = ben.post(edit_url, STORY | {"what_happened": "Good advice, two weeks late."})
    assert answer.status_code == 302
    do_edit_story(actor=people["ana"], story=story,  # a steward of its community
                  **STORY | {"what_happened": "Good advice, two weeks late.", "outcome": "success",
                             "title": "Peer assist in Almaty, 2025"})
    assert list(TextRevision.objects.order_by("pk").values_list("field", "previous")) == [
        ("what_happened", "Good advice, late."), ("title", "Peer assist in Almaty")]
    # The steward's rewrite of someone else's story is moderation: it is in the audit.
    assert list(AuditEntry.objects.values_list("verb", "actor_label")) == [
        ("story.edited", "ana")]
    history = ben.get(f"/history/practice.story/{story.pk}/").content.decode()
    assert "<del>Good advice, late.</del>" in history
    assert "<ins>Good advice, two weeks late.</ins>" in history


@pytest.mark.django_db
def test_only_the_author_or_a_steward_edits_and_outsiders_see_no_history(told, signed_in):
    story, people = told
    with pytest.raises(NotAllowed):
        do_edit_story(actor=people["bea"], story=story, **STORY | {"title": "Mine now"})
    bea = signed_in(people["bea"])
    assert bea.get(f"{story.get_absolute_url()}edit/").status_code == 403
    url = f"/api/v1/methods/{story.method.slug}/stories/{story.pk}"
    assert _put(bea, url, STORY | {"title": "Mine now"}).status_code == 403
    olga = signed_in(people["olga"])
    assert _put(olga, url, STORY | {"title": "Mine now"}).status_code == 404
    assert olga.get(f"/history/practice.story/{story.pk}/").status_code == 404
    ben = signed_in(people["ben"])
    bad = _put(ben, url, STORY | {"context": ""})
    assert bad.status_code == 400 and "context" in bad.json()["error"]["fields"]
    good = _put(ben, url, STORY | {"context": "A new treasury law, in force in May."})
    assert good.status_code == 200 and good.json()["parts"]["context"].endswith("May.")
    listed = ben.get(f"/api/v1/history/practice.story/{story.pk}").json()
    assert [(r["field"], r["previous"]) for r in listed] == [("context", "A new treasury law.")]

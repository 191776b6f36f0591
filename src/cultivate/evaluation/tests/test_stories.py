"""Value-creation stories: written through the cycles, extended when a hoped-for step happens,
evidence resolved (and shown removed when gone), corroborated, approved for wider reading,
proposed by the platform, found by search."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.conversations import actions as conversations
from cultivate.conversations.search import search_documents
from cultivate.evaluation.applied import actions as applied
from cultivate.evaluation.stories import actions
from cultivate.evaluation.stories.models import Corroboration, StoryStatus, ValueStory
from cultivate.evaluation.stories.proposals import propose_story_drafts


def _values(world, **extra):
    answer = world["answer"]
    return {"title": "A citizens' budget in three weeks less",
            "immediate_text": "I asked and got answers within a day.",
            "immediate_evidence": f"The answer | {world['question'].get_absolute_url()}"
                                  f"#post-{answer.pk}",
            "applied_text": "We used the template in our budget call.",
            "realized_text": "We hope the call takes less time.",
            "realized_aspirational": "on", **extra}


def _new(signed, slug, values, **more):
    return signed.post(f"/c/{slug}/value/stories/new/", {**values, **more})


def test_a_member_writes_a_story_with_a_hoped_for_step_and_completes_it_later(world, signed_in):
    ben = signed_in(world["ben"])
    response = _new(ben, world["budget"].slug, _values(world), publish="1")
    assert response.status_code == 302
    story = ValueStory.objects.get()
    assert story.status == StoryStatus.PUBLISHED and story.teller == world["ben"]
    assert [(s.cycle, s.aspirational) for s in story.steps.all()] == [
        ("immediate", False), ("applied", False), ("realized", True)]
    page = signed_in(world["bea"]).get(response["Location"]).content.decode()
    assert "Not yet: what we hope for" in page and "The answer" in page
    # Later the hoped-for value happens: the story is extended.
    edit = _values(world, realized_text="The call took three weeks less.",
                   realized_aspirational="", reframing_text="Summaries are now part of "
                                                            "every call.")
    assert ben.post(f"/c/{world['budget'].slug}/value/stories/{story.pk}/edit/",
                    edit).status_code == 302
    realized = story.steps.get(cycle="realized")
    assert not realized.aspirational and realized.text == "The call took three weeks less."
    assert story.steps.filter(cycle="reframing").exists()
    assert story.steps.get(cycle="immediate").evidence.get().target_id == world["answer"].pk


def test_a_refused_story_comes_back_as_typed(world, signed_in):
    response = _new(signed_in(world["ben"]), world["budget"].slug,
                    _values(world, title="ab", potential_evidence="ftp://nowhere",
                            potential_text="Kept text"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kept text" in page and "ftp://nowhere" in page and "nor an https link" in page
    assert not ValueStory.objects.exists()


@pytest.mark.parametrize("extra", [
    {"title": ""}, {"title": "x" * 300}, {"immediate_text": "", "applied_text": "",
                                           "realized_text": "", "immediate_evidence": ""},
    {"potential_evidence": "/c/nowhere/t/99/"}, {"visibility": "everyone"},
    {"reframing_aspirational": "on"}])
def test_bad_stories_are_refused(world, signed_in, extra):
    response = _new(signed_in(world["ben"]), world["budget"].slug, _values(world, **extra))
    assert response.status_code == 400
    assert not ValueStory.objects.exists()


def test_evidence_from_a_community_the_author_cannot_read_is_refused(world, signed_in):
    secret = world["secret"].get_absolute_url()
    response = _new(signed_in(world["ben"]), world["budget"].slug,
                    _values(world, potential_evidence=secret))
    assert response.status_code == 400 and "not something you can link" in (
        response.content.decode())


def test_deleted_evidence_reads_evidence_removed(world, signed_in):
    story = actions.do_save_story(actor=world["ben"], community=world["budget"],
                                  values=_values(world), publish=True)
    conversations.do_delete_post(actor=world["bea"], post=world["answer"])
    page = signed_in(world["fay"]).get(actions.story_path(story)).content.decode()
    assert "evidence removed" in page and "The answer" in page


def test_a_facilitator_writes_for_a_member_only_with_consent(world, signed_in):
    fay = signed_in(world["fay"])
    missing = _new(fay, world["budget"].slug, _values(world, teller="bea"))
    assert missing.status_code == 400 and "agreed" in missing.content.decode()
    done = _new(fay, world["budget"].slug, _values(world, teller="bea",
                                                    consent_note="By email on 3 December"))
    assert done.status_code == 302
    story = ValueStory.objects.get()
    assert story.teller == world["bea"] and story.written_by == world["fay"]
    assert story.consent_recorded_at is not None
    # A member may not tell someone else's story.
    assert _new(signed_in(world["ben"]), world["budget"].slug,
                _values(world, teller="bea", consent_note="x")).status_code == 400
    assert ValueStory.objects.filter(teller=world["bea"]).count() == 1


def test_corroboration_by_someone_else_only(world, signed_in):
    story = actions.do_save_story(actor=world["ben"], community=world["budget"],
                                  values=_values(world), publish=True)
    applied_step = story.steps.get(cycle="applied")
    url = f"{actions.story_path(story)}steps/{applied_step.pk}/corroborate/"
    signed_in(world["bea"]).post(url, {"note": "I saw it."})
    signed_in(world["ben"]).post(url, {"note": "me"})
    signed_in(world["olga"]).post(url)
    assert list(Corroboration.objects.values_list("user__username", "note")) == [
        ("bea", "I saw it.")]
    hoped = story.steps.get(cycle="realized")
    with pytest.raises(Exception, match="aspiration"):
        actions.do_corroborate(actor=world["bea"], story=story, step_id=hoped.pk)


def test_wider_visibility_waits_for_a_facilitator(world, signed_in, client):
    story = actions.do_save_story(actor=world["ben"], community=world["budget"],
                                  values=_values(world, visibility="public"), publish=True)
    path = actions.story_path(story)
    other = world["audit"]
    # Not approved yet: only the community's members, even though the community is public.
    assert client.get(path).status_code == 404
    assert signed_in(world["pia"]).get(path).status_code == 404
    assert signed_in(world["bea"]).get(path).status_code == 200
    signed_in(world["ben"]).post(f"{path}visibility/", {"decision": "approve"})
    story.refresh_from_db()
    assert story.visibility_approved_at is None  # a member cannot approve
    signed_in(world["fay"]).post(f"{path}visibility/", {"decision": "approve"})
    assert client.get(path).status_code == 200
    assert other  # unused community kept for readability


def test_drafts_are_private_to_their_authors(world, signed_in, client):
    story = actions.do_save_story(actor=world["ben"], community=world["budget"],
                                  values=_values(world))
    path = actions.story_path(story)
    assert signed_in(world["ben"]).get(path).status_code == 200
    assert signed_in(world["bea"]).get(path).status_code == 404
    assert client.get(path).status_code == 404


def test_the_platform_proposes_a_draft_once_and_the_teller_decides(world, signed_in):
    record = applied.do_record_applied(actor=world["ben"], kind="post",
                                       target_id=world["answer"].pk, note="Used it")
    applied.do_answer_follow_up(actor=world["ben"], record_id=record.pk, values={
        "difference": "yes", "what_changed": "Three weeks less", "may_quote": True})
    assert propose_story_drafts() == 1
    assert propose_story_drafts() == 0
    story = ValueStory.objects.get()
    assert story.status == StoryStatus.PROPOSED and story.teller == world["ben"]
    assert [s.cycle for s in story.steps.all()] == ["immediate", "applied", "realized"]
    assert "Three weeks less" in story.steps.get(cycle="realized").text
    path = actions.story_path(story)
    assert signed_in(world["fay"]).get(path).status_code == 404  # not published
    page = signed_in(world["ben"]).get(f"/c/{world['budget'].slug}/value/stories/")
    assert "proposed by the platform" in page.content.decode()
    signed_in(world["ben"]).post(f"{path}dismiss/")
    story.refresh_from_db()
    assert story.status == StoryStatus.DISMISSED
    assert propose_story_drafts() == 0


def test_published_stories_are_found_by_search(world):
    actions.do_save_story(actor=world["ben"], community=world["budget"],
                          values=_values(world), publish=True)
    actions.do_save_story(actor=world["pia"], community=world["audit"], publish=True,
                          values={"title": "Audit plans that changed", "immediate_text":
                                  "A private clinic on audit plans."})
    # A members-only story of a public community stays out of the search; approved for
    # everyone, it is found by anyone.
    assert search_documents(world["bea"], "citizens budget") == []
    story = ValueStory.objects.get(community=world["budget"])
    story.visibility = "public"
    story.save()
    actions.do_decide_visibility(actor=world["fay"], story=story, approve=True)
    hits = search_documents(world["pia"], "citizens budget")
    assert [h.kind for h in hits] == ["value_story"]
    assert search_documents(world["ben"], "audit plans clinic") == []
    assert [h.title for h in search_documents(world["sid"], "audit plans clinic")] == [
        "Audit plans that changed"]


def test_the_api_writes_and_reads_stories(world, client, token_of):
    headers = token_of(world["ben"])
    payload = {"title": "Faster budget calls", "publish": True, "steps": [
        {"cycle": "applied", "text": "Used the template.",
         "evidence": [f"{world['question'].get_absolute_url()}"]},
        {"cycle": "realized", "text": "Hoping for a shorter call.", "aspirational": True}]}
    response = client.post(f"/api/v1/communities/{world['budget'].slug}/value-stories",
                           payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published" and body["steps"][0]["evidence"][0]["on_this_site"]
    bad = client.post(f"/api/v1/communities/{world['budget'].slug}/value-stories",
                      {**payload, "title": ""}, content_type="application/json", **headers)
    assert bad.status_code == 400 and "title" in bad.json()["error"]["fields"]
    refused = client.post(f"/api/v1/communities/{world['audit'].slug}/value-stories",
                          payload, content_type="application/json", **headers)
    assert refused.status_code == 404
    assert timezone.now() - timedelta(minutes=5) < ValueStory.objects.get().created_at

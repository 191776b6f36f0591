"""Joining by code over HTTP: what a code tells a visitor, how guessing and rejoining are
limited, and floods answered 429 with Retry-After (pages and API)."""

import re

import pytest
from django.test import Client

from cultivate.events.models import JOIN_CODE_ALPHABET, Event
from cultivate.live.models import Participant, Vote

pytestmark = pytest.mark.django_db


def make_private(event):
    from cultivate.communities.models import Community

    Community.objects.filter(pk=event.community_id).update(visibility="private")


def join(client, code, name="Ana"):
    return client.post("/live/", {"code": code, "display_name": name})


def test_the_join_page_tells_nothing_about_an_event_the_visitor_may_not_join(
        event, people, signed_in):
    make_private(event)
    by_code = Client().get(f"/live/{event.join_code}/")
    unknown = Client().get("/live/ZZZZZZZZ/")
    assert event.title not in by_code.content.decode()
    assert by_code.status_code == unknown.status_code == 400
    assert _same_page(by_code, unknown, event.join_code)
    assert "Sign in" in by_code.content.decode()
    assert event.title not in signed_in(people["outsider"]).get(
        f"/live/{event.join_code}/").content.decode()
    assert event.title not in join(Client(), event.join_code).content.decode()
    assert not Participant.objects.exists()
    member = signed_in(people["member"]).get(f"/live/{event.join_code}/")
    assert member.status_code == 302 and member["Location"] == f"/events/{event.pk}/live/"


def _same_page(first, second, code) -> bool:
    """The two pages differ only by the code typed (and the per-request CSRF token)."""
    def clean(response, typed):
        text = response.content.decode().replace(typed, "CODE")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return clean(first, code) == clean(second, "ZZZZZZZZ")


def test_a_private_communitys_event_that_lets_guests_in_shows_its_title_to_the_code(
        event, people, allow_guests):
    make_private(event)
    page = Client().get(f"/live/{event.join_code.lower()}/")
    assert page.status_code == 200 and event.title in page.content.decode()


def test_wrong_codes_are_limited_per_address_with_retry_after(event, allow_guests, settings):
    settings.CULTIVATE_LIVE_CODE_GUESS_RATE = "3/m"
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for guess in ("AAAAAAAA", "BBBBBBBB"):
        assert guesser.get(f"/live/{guess}/").status_code == 400
    api_guess = guesser.post(f"/api/v1/events/{event.pk}/live/join",
                             {"code": "CCCCCCCC", "display_name": "Eve"},
                             content_type="application/json")
    assert api_guess.status_code == 400
    for refused in (guesser.get(f"/live/{event.join_code}/"), join(guesser, event.join_code),
                    guesser.post(f"/api/v1/events/{event.pk}/live/join",
                                 {"code": event.join_code, "display_name": "Eve"},
                                 content_type="application/json")):
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 61
    assert event.title not in guesser.get(f"/live/{event.join_code}/").content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7").get(f"/live/{event.join_code}/")
    assert elsewhere.status_code == 200 and event.title in elsewhere.content.decode()
    assert not Participant.objects.exists()


def test_new_codes_are_eight_unambiguous_characters_and_older_six_character_codes_still_work(
        event, people, allow_guests):
    assert len(event.join_code) == 8 and set(event.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("01ILO") & set(JOIN_CODE_ALPHABET)
    Event.objects.filter(pk=event.pk).update(join_code="ABC234")
    assert join(Client(), "abc 234").status_code == 302
    typed = f"{event.join_code[:4].lower()}-{event.join_code[4:]}"
    Event.objects.filter(pk=event.pk).update(join_code=event.join_code)
    assert join(Client(), typed).status_code == 302


def vote_for(client, event, item):
    return client.post(f"/events/{event.pk}/live/items/{item.pk}/vote",
                       HTTP_ACCEPT="application/json")


def test_a_guest_rejoining_from_the_same_browser_is_the_same_participant_and_votes_once(
        event, people, allow_guests, member_participant):
    from cultivate.live.actions import do_post_item

    question = do_post_item(participant=member_participant, kind="question", body="Who pays?")
    browser = Client()
    assert join(browser, event.join_code, "Ana").status_code == 302
    assert vote_for(browser, event, question).json() == {"votes": 1}
    assert join(browser, event.join_code, "Ana again").status_code == 302
    again = vote_for(browser, event, question)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"
    assert Participant.objects.filter(user=None).count() == 1
    assert Vote.objects.filter(item=question).count() == 1
    token = browser.session["live_guest_tokens"][str(question.channel_id)]
    api_again = Client().post(f"/api/v1/events/{event.pk}/live/join",
                              {"code": event.join_code, "display_name": "Ana"},
                              content_type="application/json", HTTP_X_LIVE_GUEST=token)
    assert api_again.status_code == 201 and api_again.json()["guest_token"] == token


def test_a_removed_guest_cannot_rejoin_from_the_same_browser(event, people, allow_guests):
    from cultivate.live.actions import do_remove_participant

    browser = Client()
    join(browser, event.join_code, "Troll")
    troll = Participant.objects.get(user=None)
    do_remove_participant(actor=people["convener"], participant=troll)
    again = join(browser, event.join_code, "Not a troll")
    assert again.status_code == 400 and "removed you" in again.content.decode()
    assert Participant.objects.filter(user=None).count() == 1
    assert browser.get(f"/events/{event.pk}/live/").status_code == 404


def test_new_guest_passes_are_limited_per_address_and_channel(event, allow_guests, settings):
    settings.CULTIVATE_LIVE_GUEST_JOIN_RATE = "2/10m"
    for name in ("One", "Two"):
        assert join(Client(REMOTE_ADDR="203.0.113.5"), event.join_code, name).status_code == 302
    third = join(Client(REMOTE_ADDR="203.0.113.5"), event.join_code, "Three")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    by_api = Client(REMOTE_ADDR="203.0.113.5").post(
        f"/api/v1/events/{event.pk}/live/join", {"code": event.join_code, "display_name": "4"},
        content_type="application/json")
    assert by_api.status_code == 429 and by_api["Retry-After"]
    assert join(Client(REMOTE_ADDR="198.51.100.7"), event.join_code, "Other").status_code == 302
    assert Participant.objects.filter(user=None).count() == 3


def test_a_flood_answers_429_with_retry_after_on_pages_and_the_api(event, people, signed_in,
                                                                   settings):
    settings.CULTIVATE_LIVE_POST_RATE = "1/m"
    member = signed_in(people["member"])
    page, api = f"/events/{event.pk}/live/post", f"/api/v1/events/{event.pk}/live/items"
    assert member.post(page, {"kind": "comment", "body": "First"}).status_code == 302
    flooded = member.post(page, {"kind": "comment", "body": "Again"})
    assert flooded.status_code == 429 and 1 <= int(flooded["Retry-After"]) <= 61
    assert "too fast" in flooded.content.decode()
    as_json = member.post(page, {"kind": "comment", "body": "Again"},
                          HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429 and as_json.json()["error"]["code"] == "rate_limited"
    assert as_json["Retry-After"]
    by_api = member.post(api, {"kind": "comment", "body": "Again"},
                         content_type="application/json")
    assert by_api.status_code == 429 and by_api.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(by_api["Retry-After"]) <= 61


def test_a_member_removed_under_their_name_cannot_come_back_as_a_guest(
        event, people, signed_in, allow_guests, member_participant):
    from cultivate.live.actions import do_remove_participant

    do_remove_participant(actor=people["convener"], participant=member_participant)
    member = signed_in(people["member"])
    again = join(member, event.join_code, "Someone new")
    assert again.status_code == 400 and "removed you" in again.content.decode()
    assert not Participant.objects.filter(user=None).exists()
    joined = join(signed_in(people["convener"]), event.join_code, "Convener")
    assert joined.status_code == 302 and not Participant.objects.filter(user=None).exists()

import json
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from cultivate.events.models import Event

pytestmark = pytest.mark.django_db

NEW = {"title": "Reading group: Wenger-Trayner", "starts_at": "2030-05-02T09:00",
       "ends_at": "2030-05-02T10:00", "time_zone": "Europe/Paris", "capacity": 1,
       "agenda": "1. Chapter 3", "learning_format": "reading-group"}


def send(client, method, url, body=None, **headers):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json",
                          **headers)


def test_plan_read_change_answer_cancel(client, world, token_of, plan):
    fay, ben, bea = token_of(world["fay"]), token_of(world["ben"]), token_of(world["bea"])
    slug = world["private"].slug
    response = send(client, "POST", f"/api/v1/communities/{slug}/events", NEW, **fay)
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["starts_at"].startswith("2030-05-02T07:00")  # 09:00 in Paris, summer time
    assert event["starts_at_local"] == "2030-05-02T09:00:00"
    assert event["learning_format"]["slug"] == "reading-group"
    assert event["ics_url"].endswith(f"/events/{event['id']}/event.ics")
    assert event["feed_url"].endswith(f"/c/{slug}/events.ics")
    assert event["places_left"] == 1 and event["my_answer"] is None
    url = f"/api/v1/events/{event['id']}"
    answered = send(client, "PUT", url + "/rsvp", {"answer": "going"}, **ben).json()
    assert answered["my_answer"] == {"answer": "going", "waitlisted": False,
                                     "waitlist_position": None}
    waiting = send(client, "PUT", url + "/rsvp", {"answer": "going"}, **bea).json()
    assert waiting["my_answer"]["waitlist_position"] == 1 and waiting["places_left"] == 0
    changed = send(client, "PATCH", url, {"capacity": 2, "venue": "Room 1"}, **fay).json()
    assert changed["going"] == 2 and changed["waiting"] == 0 and changed["sequence"] == 1
    listed = client.get(f"/api/v1/communities/{slug}/events?when=upcoming", **ben).json()
    assert [item["id"] for item in listed["items"]] == [event["id"]]
    assert client.get(f"/api/v1/communities/{slug}/events?when=past", **ben).json()["count"] == 0
    cancelled = send(client, "POST", url + "/cancel", **fay).json()
    assert cancelled["cancelled"] is True
    ics = client.get(f"/events/{event['id']}/event.ics", **ben)
    assert ics.status_code == 404  # pages use the session, not tokens
    assert send(client, "PUT", url + "/rsvp", {"answer": "maybe"}, **ben).status_code == 409


def test_outcome_through_the_api(client, world, token_of, plan):
    starts = timezone.now() - timedelta(hours=2)
    event = plan(world["ana"], world["private"], starts_at=starts,
                 ends_at=starts + timedelta(hours=1))
    url = f"/api/v1/events/{event.pk}/outcome"
    response = send(client, "PUT", url, {"notes": "**Done**", "recording_url": "x"},
                    **token_of(world["fay"]))
    assert response.status_code == 400
    assert "recording_url" in response.json()["error"]["fields"]
    response = send(client, "PUT", url, {"notes": "**Done**"}, **token_of(world["fay"]))
    assert response.status_code == 200 and "<strong>Done</strong>" in response.json()["notes_html"]
    assert send(client, "PUT", url, {"notes": "x"}, **token_of(world["ben"])).status_code == 403
    past = client.get(f"/api/v1/communities/{world['private'].slug}/events?when=past",
                      **token_of(world["ben"])).json()
    assert past["items"][0]["is_past"] is True


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({**NEW, "ends_at": "2030-05-02T08:00"}, 400, {"ends_at"}),
    ({**NEW, "time_zone": "Nowhere/Land"}, 400, {"time_zone"}),
    ({**NEW, "capacity": -3}, 400, {"capacity"}),
    ({**NEW, "learning_format": "nope"}, 400, {"learning_format"}),
    ({**NEW, "online_url": "javascript:x"}, 400, {"online_url"}),
    ({**NEW, "starts_at": "soon"}, 422, {"starts_at"}),
    ({**NEW, "surprise": 1}, 422, {"surprise"}),
    ({"title": "No times"}, 422, {"starts_at", "ends_at", "time_zone"}),
])
def test_bad_input_names_the_fields(client, world, token_of, body, status, fields):
    response = send(client, "POST", f"/api/v1/communities/{world['private'].slug}/events",
                    body, **token_of(world["ana"]))
    assert response.status_code == status, response.content
    assert fields <= set(response.json()["error"]["fields"])
    assert not Event.objects.exists()


def test_bad_answers_and_changes(client, world, token_of, plan):
    event = plan(world["ana"], world["private"])
    url = f"/api/v1/events/{event.pk}"
    response = send(client, "PUT", url + "/rsvp", {"answer": "perhaps"}, **token_of(world["ben"]))
    assert response.status_code == 422 and "answer" in response.json()["error"]["fields"]
    response = send(client, "PATCH", url, {}, **token_of(world["ana"]))
    assert response.status_code == 400
    response = send(client, "PATCH", url, {"title": None}, **token_of(world["ana"]))
    assert response.status_code == 400 and "title" in response.json()["error"]["fields"]
    response = send(client, "PATCH", url, {"ends_at": "2000-01-01T00:00"}, **token_of(world["ana"]))
    assert response.status_code == 400 and "ends_at" in response.json()["error"]["fields"]


@pytest.mark.parametrize(("who", "community", "read", "answer", "plan_status"), [
    (None, "private", 404, 401, 401),  # writes need a user before anything is looked up
    ("olga", "private", 404, 404, 404),
    ("ben", "private", 200, 200, 403),
    ("fay", "private", 200, 200, 201),
    (None, "public", 200, 401, 401),
    ("olga", "public", 200, 403, 403),
    ("max", "public", 200, 200, 403),
    ("cleo", "public", 200, 200, 201),
])
def test_who_may_do_what(client, world, token_of, plan, who, community, read, answer,
                         plan_status):
    owner = world["ana"] if community == "private" else world["cleo"]
    event = plan(owner, world[community])
    headers = token_of(world[who]) if who else {}
    assert client.get(f"/api/v1/events/{event.pk}", **headers).status_code == read
    listed = client.get(f"/api/v1/communities/{world[community].slug}/events", **headers)
    assert listed.status_code == read
    response = send(client, "PUT", f"/api/v1/events/{event.pk}/rsvp", {"answer": "going"},
                    **headers)
    assert response.status_code == answer
    response = send(client, "POST", f"/api/v1/communities/{world[community].slug}/events", NEW,
                    **headers)
    assert response.status_code == plan_status
    cancel = send(client, "POST", f"/api/v1/events/{event.pk}/cancel", **headers)
    assert cancel.status_code == (200 if plan_status == 201 else plan_status)


def test_my_calendar_address(client, world, token_of, plan):
    plan(world["ana"], world["private"])
    headers = token_of(world["ben"])
    url = client.get("/api/v1/me/calendar", **headers).json()["feed_url"]
    path = url.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in url else url
    feed = client.get(path)
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    new = send(client, "POST", "/api/v1/me/calendar", **headers).json()["feed_url"]
    assert new != url
    assert client.get("/api/v1/me/calendar").status_code == 401

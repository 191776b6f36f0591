import re
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from cultivate.events import actions
from cultivate.events.models import Event, Rsvp

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    return {"title": "Peer assist: program budgets", "description": "Bring *questions*.",
            "agenda": "1. Context", "starts_at": "2030-03-14T15:00",
            "ends_at": "2030-03-14T16:30", "time_zone": "Asia/Almaty",
            "online_url": "https://meet.example.org/x", "venue": "", "capacity": "2",
            "learning_format": ""} | changes


def test_plan_from_a_format_then_save(world, signed_in):
    client = signed_in(world["fay"])
    url = f"/c/{world['private'].slug}/events/new/"
    page = client.get(url)
    assert page.status_code == 200 and b"peer-assist" in page.content
    page = client.post(url, form_data(learning_format="peer-assist", agenda="", title="",
                                      ends_at="", use_format="1"))
    text = page.content.decode()
    assert page.status_code == 200 and "You chose “Peer assist” from the catalogue" in text
    assert not Event.objects.exists()
    agenda = re.search(r'<textarea name="agenda"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    assert agenda.strip()  # the format's steps
    assert 'value="2030-03-14T' in text  # an end was filled from the format's length
    response = client.post(url, form_data(learning_format="peer-assist"))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert event.learning_format.slug == "peer-assist"
    assert event.starts_at.isoformat().startswith("2030-03-14T10:00")


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2030-03-14T14:00"}, "ends_at"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"title": ""}, "title"),
    ({"capacity": "0"}, "capacity"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
])
def test_a_refused_draft_comes_back_whole(world, signed_in, changes, field):
    client = signed_in(world["ana"])
    response = client.post(f"/c/{world['private'].slug}/events/new/",
                           form_data(description="My long **draft**", **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"My long **draft**" in response.content
    assert not Event.objects.exists()


def test_pages_by_role(world, signed_in, client, plan):
    event = plan(world["ana"], world["private"])
    private = world["private"].slug
    assert client.get(f"/c/{private}/events/").status_code == 404
    assert client.get(f"/events/{event.pk}/").status_code == 404
    olga = signed_in(world["olga"])
    assert olga.get(f"/events/{event.pk}/").status_code == 404
    assert olga.get(f"/c/{private}/events/new/").status_code == 404
    ben = signed_in(world["ben"])
    assert ben.get(f"/c/{private}/events/new/").status_code == 403
    assert ben.get(f"/events/{event.pk}/edit/").status_code == 403
    assert ben.post(f"/events/{event.pk}/cancel/").status_code == 403
    assert ben.get(f"/events/{event.pk}/outcome/").status_code == 403
    page = ben.get(f"/c/{private}/events/")
    assert page.status_code == 200 and event.title.encode() in page.content
    assert b"Plan an event" not in page.content
    assert client.get("/events/999999/").status_code == 404
    public_event = plan(world["cleo"], world["public"])
    page = client.get(f"/events/{public_event.pk}/")
    assert page.status_code == 200 and b"Sign in to say whether you are coming" in page.content
    assert client.post(f"/events/{public_event.pk}/rsvp/", {"answer": "going"}).status_code == 302
    assert not Rsvp.objects.exists()
    assert olga.post(f"/events/{public_event.pk}/rsvp/", {"answer": "going"}).status_code == 403


def test_rsvp_without_and_with_htmx(world, signed_in, plan):
    event = plan(world["ana"], world["private"], capacity=1)
    ben, bea = signed_in(world["ben"]), signed_in(world["bea"])
    response = ben.post(f"/events/{event.pk}/rsvp/", {"answer": "going"})
    assert response.status_code == 302
    page = ben.get(f"/events/{event.pk}/")
    assert b"You are going." in page.content and b"0 places left" in page.content
    partial = bea.post(f"/events/{event.pk}/rsvp/", {"answer": "going"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert b"waiting list, number 1" in partial.content
    bad = bea.post(f"/events/{event.pk}/rsvp/", {"answer": "perhaps"})
    assert bad.status_code == 302
    assert Rsvp.objects.get(user=world["bea"]).answer == "going"


def test_times_show_in_the_viewers_zone_and_the_events(world, signed_in, plan):
    world["ben"].time_zone = "Europe/Paris"
    world["ben"].save()
    event = plan(world["ana"], world["private"], starts_at="2030-03-14T15:00",
                 ends_at="2030-03-14T16:30", time_zone="Asia/Almaty")
    page = signed_in(world["ben"]).get(f"/events/{event.pk}/").content.decode()
    assert "Thu 14 Mar 2030, 11:00–12:30" in page and "Europe/Paris" in page
    assert "15:00–16:30 in Asia/Almaty" in page


def test_edit_cancel_and_outcome_pages(world, signed_in, plan):
    event = plan(world["ana"], world["private"])
    fay = signed_in(world["fay"])
    page = fay.get(f"/events/{event.pk}/edit/")
    assert page.status_code == 200 and b"Case clinic" in page.content
    response = fay.post(f"/events/{event.pk}/edit/", form_data(title="Renamed clinic"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed clinic" and event.sequence == 1
    starts = timezone.now() - timedelta(hours=2)
    past = plan(world["ana"], world["private"], starts_at=starts,
                ends_at=starts + timedelta(hours=1))
    response = fay.post(f"/events/{past.pk}/outcome/", {
        "notes": "We **met**.", "outputs": "- A list", "recording_url": "https://v.example.org"})
    assert response.status_code == 302
    page = fay.get(f"/events/{past.pk}/").content.decode()
    assert "<strong>met</strong>" in page and "Watch the recording" in page
    assert fay.post(f"/events/{past.pk}/outcome/", {"recording_url": "nope"}).status_code == 400
    fay.post(f"/events/{event.pk}/cancel/")
    page = fay.get(f"/c/{world['private'].slug}/events/").content.decode()
    assert "Cancelled" in page and "Renamed clinic" in page


def test_upcoming_first_then_past(world, signed_in, plan):
    starts = timezone.now() - timedelta(days=3)
    plan(world["ana"], world["private"], title="The past one", starts_at=starts,
         ends_at=starts + timedelta(hours=1))
    plan(world["ana"], world["private"], title="The coming one")
    page = signed_in(world["ben"]).get(f"/c/{world['private'].slug}/events/").content.decode()
    assert page.index("The coming one") < page.index("Past") < page.index("The past one")


def test_calendar_files(world, signed_in, client, plan):
    event = plan(world["ana"], world["private"], venue="Room 4")
    public_event = plan(world["cleo"], world["public"])
    ben = signed_in(world["ben"])
    response = ben.get(f"/events/{event.pk}/event.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    item = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(item["SUMMARY"]) == event.title and str(item["LOCATION"]) == "Room 4"
    assert item.decoded("DTSTART") == event.starts_at and item["STATUS"] == "CONFIRMED"
    assert "circular" in str(item["DESCRIPTION"]) and "<" not in str(item["DESCRIPTION"])
    assert str(item["URL"]).endswith(f"/events/{event.pk}/")
    assert item["SEQUENCE"] == 0
    actions.do_cancel_event(actor=world["ana"], event=event)
    item = icalendar.Calendar.from_ical(ben.get(f"/events/{event.pk}/event.ics").content
                                        ).walk("VEVENT")[0]
    assert item["STATUS"] == "CANCELLED" and item["SEQUENCE"] == 1
    assert str(item["UID"]).startswith(f"event-{event.pk}@")
    # The community feed: public for anyone, private with a member's token only.
    feed = client.get(f"/c/{world['public'].slug}/events.ics")
    assert feed.status_code == 200
    assert [str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(feed.content).walk(
        "VEVENT")] == [public_event.title]
    private_feed = f"/c/{world['private'].slug}/events.ics"
    assert client.get(private_feed).status_code == 404
    token = actions.do_ensure_calendar_feed(actor=world["ben"]).token
    assert client.get(f"{private_feed}?token={token}").status_code == 200
    olga_token = actions.do_ensure_calendar_feed(actor=world["olga"]).token
    assert client.get(f"{private_feed}?token={olga_token}").status_code == 404
    assert client.get(f"{private_feed}?token=guess").status_code == 404
    assert client.get(f"/events/{event.pk}/event.ics?token={token}").status_code == 200
    # The personal feed: events of all the person's communities.
    Rsvp.objects.all().delete()
    from cultivate.communities.models import Membership

    Membership.objects.create(community=world["public"], user=world["ben"])
    personal = client.get(f"/calendar/{token}.ics")
    assert personal["Content-Type"] == "text/calendar; charset=utf-8"
    titles = {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(personal.content).walk(
        "VEVENT")}
    assert titles == {f"Cancelled: {event.title}", public_event.title}
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_my_events_and_a_new_calendar_address(world, signed_in, plan):
    plan(world["ana"], world["private"], title="Coming soon")
    ben = signed_in(world["ben"])
    page = ben.get("/me/events/").content.decode()
    assert "Coming soon" in page
    old = re.search(r"/calendar/([\w-]+)\.ics", page).group(1)
    ben.post("/me/events/calendar/")
    new = re.search(r"/calendar/([\w-]+)\.ics", ben.get("/me/events/").content.decode()).group(1)
    assert new != old
    assert ben.get(f"/calendar/{old}.ics").status_code == 404
    assert ben.get(f"/calendar/{new}.ics").status_code == 200


GARBAGE = [{}, {"title": "x" * 5000, "starts_at": "99999-99-99T99:99", "ends_at": "\x00",
                "time_zone": "x" * 1000, "capacity": "abc", "learning_format": "y" * 1000,
                "online_url": "http://" + "a" * 600, "answer": "king", "notes": "z" * 30000,
                "recording_url": "ftp://x", "page": "abc", "past": "-1"},
           {"use_format": "1", "learning_format": "no-such", "starts_at": "2030-13-01T10:00"},
           {"use_format": "1", "learning_format": "peer-assist", "starts_at": "garbage"},
           {"capacity": "-5", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T10:00",
            "title": "Valid title", "time_zone": "UTC"}]


def test_no_event_form_answers_500(world, plan):
    from django.test import Client

    event = plan(world["ana"], world["private"])
    client = Client(raise_request_exception=False)
    client.force_login(world["ana"])
    slug = world["private"].slug
    urls = [f"/c/{slug}/events/", f"/c/{slug}/events/new/", f"/events/{event.pk}/",
            f"/events/{event.pk}/edit/", f"/events/{event.pk}/rsvp/",
            f"/events/{event.pk}/outcome/", f"/c/{slug}/events.ics", "/me/events/",
            f"/events/{event.pk}/event.ics"]
    for url in urls:
        for data in GARBAGE:
            assert client.post(url, data).status_code < 500, (url, data)
            assert client.get(url, data).status_code < 500, (url, data)
    assert client.post(f"/events/{event.pk}/cancel/", GARBAGE[1]).status_code < 500

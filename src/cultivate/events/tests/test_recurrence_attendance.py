"""Repeating events (RFC 5545 in the model and every calendar), one date changed or skipped,
answers and attendance per occurrence, self check-in with the room's code, feedback."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity
from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError
from cultivate.events import actions, attendance, recurrence
from cultivate.events.models import Attendance, Event, EventFeedback, Rsvp


@pytest.fixture
def clinic(make_user, make_community):
    """A weekly case clinic of Budget Practitioners, Tuesdays 10:00 in Brussels, from three
    weeks ago for ten weeks. ana convenes; ben and bea are members; olga is not."""
    people = {name: make_user(name) for name in ("ana", "ben", "bea", "olga")}
    community = make_community(people["ana"])
    for name in ("ben", "bea"):
        Membership.objects.create(community=community, user=people[name])
    zone = "Europe/Brussels"
    first = (timezone.now() - timedelta(weeks=3)).astimezone(
        recurrence.zoneinfo_of(zone)).replace(hour=10, minute=0, second=0, microsecond=0,
                                              tzinfo=None)
    event = actions.do_plan_event(
        actor=people["ana"], community=community, title="Case clinic",
        starts_at=first, ends_at=first + timedelta(hours=1), time_zone=zone,
        repeats="weekly", repeat_until=(first + timedelta(weeks=9)).date())
    return {"community": community, "event": event, **people}


def test_a_series_expands_in_its_own_zone_and_ends(clinic):
    event = clinic["event"]
    dates = recurrence.occurrences(event)
    assert len(dates) == 10
    assert {d.starts_at.astimezone(event.zone).strftime("%H:%M") for d in dates} == {"10:00"}
    assert event.series_ends_at == dates[-1].ends_at
    with pytest.raises(ActionError) as refused:
        actions.do_plan_event(actor=clinic["ana"], community=clinic["community"],
                              title="For ever", starts_at="2027-01-05T10:00",
                              ends_at="2027-01-05T11:00", time_zone="UTC", repeats="weekly")
    assert "never ends" in refused.value.fields["repeat_until"][0]
    with pytest.raises(ActionError) as refused:
        actions.do_plan_event(actor=clinic["ana"], community=clinic["community"],
                              title="Daily", starts_at="2027-01-05T10:00",
                              ends_at="2027-01-05T11:00", time_zone="UTC", repeats="daily",
                              repeat_until="2027-02-01")
    assert "repeats" in refused.value.fields


def test_one_date_moves_or_is_skipped_and_calendars_say_so(clinic, client):
    event = clinic["event"]
    dates = recurrence.occurrences(event)
    actions.do_change_occurrence(actor=clinic["ana"], event=event,
                                 occurrence=dates[5].original_start, skip=True)
    moved_to = dates[6].starts_at.astimezone(event.zone) + timedelta(days=1, hours=4)
    actions.do_change_occurrence(actor=clinic["ana"], event=event,
                                 occurrence=dates[6].original_start,
                                 starts_at=moved_to.replace(tzinfo=None).isoformat(),
                                 ends_at=(moved_to + timedelta(hours=1))
                                 .replace(tzinfo=None).isoformat())
    event = Event.objects.get(pk=event.pk)
    after = recurrence.occurrences(event)
    assert len(after) == 9 and dates[5].original_start not in [d.original_start for d in after]
    assert any(d.changed and d.starts_at == moved_to for d in after)
    feed = client.get(f"/events/{event.pk}/event.ics")
    parsed = Calendar.from_ical(feed.content)
    vevents = [c for c in parsed.walk("VEVENT")]
    series = next(v for v in vevents if "RRULE" in v)
    assert series["RRULE"]["FREQ"] == ["WEEKLY"]
    assert series["DTSTART"].dt.tzinfo is not None  # in the event's own zone
    assert "EXDATE" in series
    moved = next(v for v in vevents if "RECURRENCE-ID" in v)
    assert moved["DTSTART"].dt == moved_to
    with pytest.raises(ActionError):
        actions.do_change_occurrence(actor=clinic["ana"], event=event,
                                     occurrence=dates[6].original_start,
                                     starts_at="soon", ends_at="")


def test_answers_are_per_occurrence(clinic, signed_in):
    event = clinic["event"]
    # "The next one" is the next that has not ended: during an occurrence, that one.
    coming = [d for d in recurrence.occurrences(event) if d.ends_at > timezone.now()]
    actions.do_rsvp(actor=clinic["ben"], event=event, answer="going")  # the next one
    actions.do_rsvp(actor=clinic["ben"], event=event, answer="not_going",
                    occurrence=coming[1].original_start)
    rows = dict(Rsvp.objects.filter(user=clinic["ben"]).values_list("occurrence", "answer"))
    assert rows == {coming[0].original_start: "going", coming[1].original_start: "not_going"}
    page = signed_in(clinic["ben"]).get(f"/events/{event.pk}/?at={coming[1].key}")
    assert "You said you are not going." in page.content.decode()
    page = signed_in(clinic["ben"]).get(f"/events/{event.pk}/")
    assert "You are going." in page.content.decode()
    past = recurrence.occurrences(event)[0]
    with pytest.raises(ActionError):
        actions.do_rsvp(actor=clinic["ben"], event=event, answer="going",
                        occurrence=past.original_start)
    assert signed_in(clinic["ben"]).get(f"/events/{event.pk}/?at=19990101T000000Z"
                                        ).status_code == 404


def test_facilitators_take_attendance_and_it_counts_as_activity(clinic, signed_in):
    event = clinic["event"]
    last_week = recurrence.occurrences(event)[2]
    ana = signed_in(clinic["ana"])
    page = ana.get(f"/events/{event.pk}/attendance/?at={last_week.key}")
    assert page.status_code == 200
    assert attendance.check_in_code(event, last_week.original_start) in page.content.decode()
    saved = ana.post(f"/events/{event.pk}/attendance/", {
        "at": last_week.key, "present": [clinic["ben"].pk],
        "listed": [clinic["ben"].pk, clinic["bea"].pk]})
    assert saved.status_code == 302
    assert list(Attendance.objects.values_list("user__username", "occurrence")) == [
        ("ben", last_week.original_start)]
    assert Activity.objects.filter(verb=Verb.EVENT_ATTENDED, actor=clinic["ben"]).count() == 1
    # unticking removes the attendance and its activity
    ana.post(f"/events/{event.pk}/attendance/", {"at": last_week.key, "listed": [
        clinic["ben"].pk]})
    assert not Attendance.objects.exists()
    assert not Activity.objects.filter(verb=Verb.EVENT_ATTENDED).exists()
    # not members, not stewards, not a future date
    refused = ana.post(f"/events/{event.pk}/attendance/", {
        "at": last_week.key, "present": [clinic["olga"].pk]})
    assert refused.status_code == 400 and not Attendance.objects.exists()
    assert signed_in(clinic["ben"]).get(
        f"/events/{event.pk}/attendance/?at={last_week.key}").status_code == 403
    future = recurrence.occurrences(event)[-1]
    with pytest.raises(ActionError):
        attendance.do_record_attendance(actor=clinic["ana"], event=event,
                                        occurrence=future.original_start,
                                        present=[clinic["ben"].pk])


def test_members_check_in_with_the_rooms_code_while_it_happens(clinic, signed_in):
    event = clinic["event"]
    now = timezone.now()
    single = actions.do_plan_event(
        actor=clinic["ana"], community=clinic["community"], title="Peer assist",
        starts_at=(now - timedelta(minutes=10)).replace(tzinfo=None, microsecond=0),
        ends_at=(now + timedelta(minutes=50)).replace(tzinfo=None, microsecond=0),
        time_zone="UTC")
    code = attendance.check_in_code(single, single.starts_at)
    bea = signed_in(clinic["bea"])
    wrong = bea.post(f"/events/{single.pk}/check-in/", {"code": "AAAAAA"}, follow=True)
    assert "not the code shown in the room" in wrong.content.decode()
    assert not Attendance.objects.exists()
    bea.post(f"/events/{single.pk}/check-in/", {"code": code.lower()})
    assert Attendance.objects.get().how == "code"
    # a series' code of one date does not open another; outside the hours it is closed
    with pytest.raises(ActionError):
        attendance.do_check_in(actor=clinic["bea"], event=event, code=code)
    assert signed_in(clinic["olga"]).post(f"/events/{single.pk}/check-in/",
                                          {"code": code}).status_code == 403


def test_attendees_give_feedback_once_per_occurrence(clinic, signed_in):
    event = clinic["event"]
    last_week = recurrence.occurrences(event)[2]
    attendance.do_record_attendance(actor=clinic["ana"], event=event,
                                    occurrence=last_week.original_start,
                                    present=[clinic["ben"].pk])
    ben = signed_in(clinic["ben"])
    url = f"/events/{event.pk}/feedback/?at={last_week.key}"
    assert ben.get(url).status_code == 200
    refused = ben.post(url, {"at": last_week.key, "usefulness": "9",
                             "will_apply": "The circular template."})
    assert refused.status_code == 400
    assert "The circular template." in refused.content.decode()  # the draft survives
    assert ben.post(url, {"at": last_week.key, "usefulness": "4",
                          "will_apply": "The circular template."}).status_code == 302
    ben.post(url, {"at": last_week.key, "usefulness": "5", "will_apply": ""})
    feedback = EventFeedback.objects.get()
    assert (feedback.usefulness, feedback.occurrence) == (5, last_week.original_start)
    assert Activity.objects.filter(verb=Verb.EVENT_FEEDBACK_GIVEN).count() == 1
    assert signed_in(clinic["bea"]).post(url, {"at": last_week.key, "usefulness": "3"}
                                         ).status_code == 409  # bea was not there


def test_the_api_plans_a_series_and_keeps_answers_and_attendance_per_date(clinic, client,
                                                                           token_of):
    ana, ben = token_of(clinic["ana"]), token_of(clinic["ben"])
    slug = clinic["community"].slug
    refused = client.post(f"/api/v1/communities/{slug}/events", {
        "title": "Monthly review", "starts_at": "2027-01-12T14:00:00",
        "ends_at": "2027-01-12T15:00:00", "time_zone": "Asia/Almaty", "repeats": "monthly"},
        content_type="application/json", **ana)
    assert refused.status_code == 400
    assert "repeat_until" in refused.json()["error"]["fields"]
    planned = client.post(f"/api/v1/communities/{slug}/events", {
        "title": "Monthly review", "starts_at": "2027-01-12T14:00:00",
        "ends_at": "2027-01-12T15:00:00", "time_zone": "Asia/Almaty", "repeats": "monthly",
        "repeat_until": "2027-06-30"}, content_type="application/json", **ana)
    assert planned.status_code == 201
    body = planned.json()
    assert body["recurrence"].startswith("FREQ=MONTHLY;BYDAY=+2TU")
    event_id = body["id"]
    dates = client.get(f"/api/v1/events/{event_id}/occurrences?since=2027-01-01T00:00:00Z"
                       "&until=2027-12-31T00:00:00Z", **ben).json()
    assert len(dates) == 6
    answer = client.put(f"/api/v1/events/{event_id}/rsvp",
                        {"answer": "going", "occurrence": dates[2]["key"]},
                        content_type="application/json", **ben)
    assert answer.status_code == 200
    assert answer.json()["occurrence"]["key"] == dates[2]["key"]
    assert answer.json()["my_answer"]["answer"] == "going"
    assert client.get(f"/api/v1/events/{event_id}?at={dates[3]['key']}", **ben
                      ).json()["my_answer"] is None
    wrong = client.put(f"/api/v1/events/{event_id}/rsvp",
                       {"answer": "going", "occurrence": "20270113T080000Z"},
                       content_type="application/json", **ben)
    assert wrong.status_code == 404
    # attendance of a past date of the clinic, through the API
    clinic_id = clinic["event"].pk
    past = recurrence.occurrences(clinic["event"])[1]
    taken = client.put(f"/api/v1/events/{clinic_id}/attendance",
                       {"occurrence": past.key, "present": [clinic["bea"].pk]},
                       content_type="application/json", **ana)
    assert taken.status_code == 200
    assert [p["username"] for p in taken.json()["present"]] == ["bea"]
    assert client.put(f"/api/v1/events/{clinic_id}/attendance",
                      {"occurrence": past.key, "present": [clinic["ben"].pk]},
                      content_type="application/json", **ben).status_code == 403


def test_attendees_are_asked_once_by_mail_and_in_the_app(clinic, smtp_server):
    from cultivate.conversations.models import Notification
    from cultivate.events.feedback_requests import send_feedback_requests

    event = clinic["event"]
    last_week = recurrence.occurrences(event)[2]
    attendance.do_record_attendance(actor=clinic["ana"], event=event,
                                    occurrence=last_week.original_start,
                                    present=[clinic["ben"].pk, clinic["bea"].pk])
    assert send_feedback_requests() == 2
    assert send_feedback_requests() == 0  # once per attendance
    mails = smtp_server.messages
    assert sorted(m["To"] for m in mails) == ["bea@example.org", "ben@example.org"]
    body = mails[0].get_body(("plain",)).get_content()
    assert f"/events/{event.pk}/feedback/?at={last_week.key}" in body
    assert Notification.objects.filter(kind="feedback").count() == 2


def test_what_an_attendee_will_apply_becomes_an_applied_record(clinic):
    from cultivate.evaluation.applied.models import AppliedRecord
    from cultivate.evaluation.indicators.computed import values_for
    from cultivate.evaluation.periods import parse_period

    event = clinic["event"]
    last_week = recurrence.occurrences(event)[2]
    attendance.do_record_attendance(actor=clinic["ana"], event=event,
                                    occurrence=last_week.original_start,
                                    present=[clinic["ben"].pk, clinic["bea"].pk])
    attendance.do_give_feedback(actor=clinic["ben"], event=event,
                                occurrence=last_week.original_start, usefulness=4,
                                will_apply="The peer-review checklist.")
    attendance.do_give_feedback(actor=clinic["bea"], event=event,
                                occurrence=last_week.original_start, usefulness=5)
    record = AppliedRecord.objects.get()
    assert (record.user, record.kind, record.target_id, record.note) == (
        clinic["ben"], "event", event.pk, "The peer-review checklist.")
    period = parse_period(str(timezone.now().year))
    figures = values_for([clinic["community"].pk], period)[clinic["community"].pk]
    assert figures["event_usefulness"] == 4.5


def test_a_code_with_any_characters_is_simply_wrong(clinic):
    now = timezone.now()
    single = actions.do_plan_event(
        actor=clinic["ana"], community=clinic["community"], title="Help desk",
        starts_at=(now - timedelta(minutes=5)).replace(tzinfo=None, microsecond=0),
        ends_at=(now + timedelta(minutes=55)).replace(tzinfo=None, microsecond=0),
        time_zone="UTC")
    for code in ("yż9\udd1d6Y", "", "\x00" * 6):
        with pytest.raises(ActionError):
            attendance.do_check_in(actor=clinic["bea"], event=single, code=code)

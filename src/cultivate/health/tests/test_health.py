"""The health check: signals computed by the hourly job, read on the page and through the API
by stewards and sponsors, thresholds tuned per community, the stage moved with its history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.communities.models import Membership, StageChange
from cultivate.events import actions as events
from cultivate.health.models import HealthSignal
from cultivate.insights import jobs


@pytest.fixture
def budget(make_user, make_community):
    """A public community of twelve: convener ana, facilitator fay, sponsor sam, nine members;
    one question answered, no event."""
    from cultivate.conversations import actions as conversations

    people = {name: make_user(name) for name in ("ana", "fay", "sam", "ben", "olga")}
    community = make_community(people["ana"])
    for name, role in (("fay", "facilitator"), ("sam", "sponsor"), ("ben", "member")):
        Membership.objects.create(community=community, user=people[name], role=role)
    for i in range(8):
        Membership.objects.create(community=community, user=make_user(f"m{i}"))
    community.member_count = 12
    community.created_at = timezone.now() - timedelta(days=365)
    community.save(update_fields=["member_count", "created_at"])
    question = conversations.do_start_topic(
        actor=people["ben"], community=community, kind="question",
        title="How do ministries publish a citizens' budget?", body="We start next year.")
    conversations.do_reply(actor=people["fay"], topic=question, body="A one-page summary.")
    return {"community": community, **people}


def signal(community, key):
    return HealthSignal.objects.get(community=community, key=key)


def test_the_job_stores_every_signal_and_the_page_explains_them(budget, signed_in):
    jobs.recompute()
    community = budget["community"]
    assert HealthSignal.objects.filter(community=community).count() == 13
    events_signal = signal(community, "rhythm_events")
    assert events_signal.verdict == "at_risk"  # no event in six months and none planned
    page = signed_in(budget["ana"]).get(f"/c/{community.slug}/health/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "A rhythm of events" in text and "No event in the last six months" in text
    # an at-risk signal offers formats, with "plan this" one click away
    assert f"/c/{community.slug}/events/new/?format=case-clinics" in text
    assert "Passion for the domain" in text and "No pulse survey" in text


def test_who_may_read_the_health_check(budget, signed_in, client):
    jobs.recompute()
    url = f"/c/{budget['community'].slug}/health/"
    assert signed_in(budget["sam"]).get(url).status_code == 200  # sponsor
    assert signed_in(budget["fay"]).get(url).status_code == 200  # facilitator
    assert signed_in(budget["ben"]).get(url).status_code == 403  # member
    assert signed_in(budget["olga"]).get(url).status_code == 403  # outsider
    assert client.get(url).status_code in (302, 403)
    sponsor_page = signed_in(budget["sam"]).get(url).content.decode()
    assert "Move the stage" not in sponsor_page and "Plan a" not in sponsor_page


def test_a_planned_event_moves_the_rhythm_signal_after_the_job(budget):
    community = budget["community"]
    jobs.recompute()
    assert signal(community, "rhythm_events").verdict == "at_risk"
    first = signal(community, "rhythm_events").since
    now = timezone.now()
    for weeks in (-24, -20, -16, -12, -8, -4, -1, 2):
        start = (now + timedelta(weeks=weeks)).replace(microsecond=0, tzinfo=None)
        events.do_plan_event(actor=budget["ana"], community=community, title="Case clinic",
                             starts_at=start, ends_at=start + timedelta(hours=1),
                             time_zone="UTC")
    jobs.recompute()
    moved = signal(community, "rhythm_events")
    assert moved.verdict in ("healthy", "watch")
    assert moved.since > first


def test_thresholds_are_tuned_with_clear_refusals(budget, signed_in):
    community = budget["community"]
    ana = signed_in(budget["ana"])
    url = f"/c/{community.slug}/health/thresholds/"
    assert ana.get(url).status_code == 200
    refused = ana.post(url, {"core_share__healthy": "5", "core_share__at_risk": "9"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "must be below" in body and 'value="9"' in body  # what was typed stays
    refused = ana.post(url, {"leaders__healthy": "many"})
    assert refused.status_code == 400 and "Give a number." in refused.content.decode()
    jobs.recompute()
    assert signal(community, "rhythm_conversation").verdict == "at_risk"  # no full week yet
    # a community that talks only around its quarterly meetings says so
    assert ana.post(url, {"conversation_weeks__healthy": "0",
                          "conversation_weeks__at_risk": "0"}).status_code == 302
    jobs.recompute()
    assert signal(community, "rhythm_conversation").verdict == "healthy"
    assert signed_in(budget["ben"]).post(url, {"leaders__healthy": "1"}).status_code == 403
    assert signed_in(budget["sam"]).get(url).status_code == 403  # sponsors read, not tune


def test_the_stage_moves_with_a_reason_and_keeps_its_history(budget, signed_in):
    community = budget["community"]
    fay = signed_in(budget["fay"])
    url = f"/c/{community.slug}/health/stage/"
    refused = fay.post(url, {"stage": "coalescing", "stage_reason": ""})
    assert refused.status_code == 400 and "Say why the stage moves" in refused.content.decode()
    assert fay.post(url, {"stage": "nonsense", "stage_reason": "x"}).status_code == 400
    assert fay.post(url, {"stage": "coalescing",
                          "stage_reason": "Monthly clinics since March."}).status_code == 302
    community.refresh_from_db()
    assert community.stage == "coalescing"
    history = list(StageChange.objects.filter(community=community).order_by("changed_at", "pk"))
    assert [(c.from_stage, c.to_stage) for c in history] == [("", "potential"),
                                                            ("potential", "coalescing")]
    assert history[-1].changed_by == budget["fay"]
    page = fay.get(f"/c/{community.slug}/health/").content.decode()
    assert "Monthly clinics since March." in page
    assert signed_in(budget["sam"]).post(url, {"stage": "maturing",
                                               "stage_reason": "x"}).status_code == 403


def test_the_api_has_the_same_rules(budget, client, token_of):
    community = budget["community"]
    jobs.recompute()
    url = f"/api/v1/communities/{community.slug}/health"
    answer = client.get(url, **token_of(budget["sam"]))
    assert answer.status_code == 200
    body = answer.json()
    assert {s["key"] for s in body["signals"]} >= {"core_group", "one_to_one", "trust"}
    assert body["stage_history"][0]["to_stage"] == "potential"
    assert client.get(url, **token_of(budget["ben"])).status_code == 403
    moved = client.post(f"{url}/stage", {"stage": "coalescing", "reason": ""},
                        content_type="application/json", **token_of(budget["ana"]))
    assert moved.status_code == 400
    assert "stage_reason" in moved.json()["error"]["fields"]
    tuned = client.put(f"{url}/thresholds",
                       {"thresholds": {"core_share": {"healthy": 4, "at_risk": 8}}},
                       content_type="application/json", **token_of(budget["ana"]))
    assert tuned.status_code == 400
    assert "core_share__at_risk" in tuned.json()["error"]["fields"]
    tuned = client.put(f"{url}/thresholds",
                       {"thresholds": {"core_share": {"healthy": 20, "at_risk": 5}}},
                       content_type="application/json", **token_of(budget["ana"]))
    assert tuned.status_code == 200
    assert next(t for t in tuned.json() if t["key"] == "core_share")["healthy"] == 20


def test_the_cached_page_follows_new_thresholds_and_stages(
        budget, signed_in, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300  # as in production: the check is cached on content
    jobs.recompute()
    community = budget["community"]
    ana = signed_in(budget["ana"])
    url = f"/c/{community.slug}/health/"
    assert "healthy from 10%" in ana.get(url).content.decode()
    assert "healthy from 10%" in ana.get(url).content.decode()  # from the cache
    with django_capture_on_commit_callbacks(execute=True):  # the cache expires on commit
        ana.post(f"/c/{community.slug}/health/thresholds/", {"core_share__healthy": "12",
                                                              "core_share__at_risk": "3"})
    assert "healthy from 12%" in ana.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(f"/c/{community.slug}/health/stage/", {"stage": "maturing",
                                                        "stage_reason": "A steady core."})
    assert "A steady core." in ana.get(url).content.decode()
    sponsor_page = signed_in(budget["sam"]).get(url).content.decode()
    assert "Plan a" not in sponsor_page  # stewards' links are not served to sponsors

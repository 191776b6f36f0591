"""Insights as of a date: a community whose history was only imported is read as of its last
activity by default; ?as_of= moves every figure; bad dates are refused plainly."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cultivate.activity.actions import Verb, record_activity
from cultivate.communities.models import Membership
from cultivate.conversations.import_base import BaseReport, ImportRun
from cultivate.insights import as_of
from cultivate.insights.jobs import recompute
from cultivate.insights.models import CommunityFigures, MemberLevel
from cultivate.insights.queries import week_of

LAST = datetime(2019, 3, 14, 15, 30, tzinfo=UTC)  # the archive's last activity
DUMP = Path("/work/shared/data/stackexchange-history-meta")


def _import(community, convener) -> dict:
    """An archive through the importers' own base: four people, their answers and replies up to
    LAST, memberships from their first date, and the import's own row at the real time."""
    run = ImportRun(community, "archive", BaseReport())
    names = ("steady", "helper", "sometimes", "quiet")
    run.placeholders({name: (name.title(), "", LAST - timedelta(days=700)) for name in names})
    people = {name: run.person(name) for name in names}
    for person in people.values():
        run.contributors[person.pk] = person

    def note(name, verb, weeks_before, **payload):
        run.note(people[name], verb, None, LAST - timedelta(weeks=weeks_before), payload)

    for week in range(10):  # an answer a week for ten weeks: the core group
        note("steady", Verb.ANSWER_POSTED, week, topic=week + 1,
             topic_author=people["sometimes"].pk)
    for week in range(3):  # three answers: active
        note("helper", Verb.ANSWER_POSTED, week, topic=week + 1,
             topic_author=people["sometimes"].pk)
    for week in range(2):  # two replies: occasional
        note("sometimes", Verb.POST_REPLIED, week, topic_author=people["steady"].pk)
    note("quiet", Verb.POST_REPLIED, 200, topic_author=people["steady"].pk)  # long before
    run.finish(convener)
    return people


@pytest.fixture
def archive(make_user, make_community):
    convener = make_user("convener")
    community = make_community(convener, name="Archive")
    people = _import(community, convener)
    recompute()
    return community, convener, people


def _api(client, path, **params):
    return client.get(f"/api/v1/communities/archive/{path}", params)


# --- the reference date ------------------------------------------------------------------

def test_parse_refuses_what_is_not_a_date_and_reads_a_future_day_as_today():
    assert as_of.parse("") is None and as_of.parse(None) is None
    assert as_of.parse("2019-03-14") == date(2019, 3, 14)
    assert as_of.parse("2999-01-01", today=date(2026, 1, 2)) == date(2026, 1, 2)
    for bad in ("14/03/2019", "2019-02-30", "yesterday", "2019-3-1", "2019-03-14T10:00",
                "1552521600", "2019-03-14\x00"):
        with pytest.raises(as_of.BadDate) as refused:
            as_of.parse(bad)
        assert refused.value.fields == {"as_of": ["Give a date such as 2019-03-14."]}
        assert refused.value.status == 422


def test_a_community_of_imported_history_is_computed_as_of_its_last_activity(archive):
    community, convener, people = archive
    figures = CommunityFigures.objects.get(community=community)
    assert figures.imported_history
    assert as_of.day_of(figures.computed_at) == LAST.date()
    levels = dict(MemberLevel.objects.filter(community=community)
                  .values_list("user__username", "level"))
    by_name = {name: levels[person.username] for name, person in people.items()}
    assert by_name == {"steady": "core", "helper": "active", "sometimes": "occasional",
                       "quiet": "peripheral"}
    # The convener joined today, after the archive's last day: not a member back then.
    assert convener.username not in levels


def test_the_dashboard_shows_the_archive_as_of_its_last_activity(archive, signed_in):
    community, convener, _people = archive
    client = signed_in(convener)
    page = client.get("/c/archive/insights/").content.decode()
    assert "This community's history was imported; figures are shown as of its last " \
           "activity" in page
    assert 'datetime="2019-03-14"' in page and 'value="2019-03-14"' in page
    assert f'href="?as_of={timezone.now().date().isoformat()}"' in page  # show today instead
    assert '<label for="as_of">As of</label>' in page
    assert "No data yet for this period" not in page.split('id="contributions"')[1][:2000]
    body = _api(client, "insights").json()
    assert body["as_of"] == "2019-03-14" and body["as_of_imported"] is True
    assert body["by_week"][-1]["week"] == week_of(LAST.date()).isoformat()
    assert sum(sum(w["contributions"].values()) for w in body["by_week"]) == 15  # not quiet's
    assert body["levels"] == {"core": 1, "active": 1, "occasional": 1, "peripheral": 1,
                              "transactional": 0}
    assert body["members"] == 5  # members today (the convener too)
    network = _api(client, "network").json()
    assert network["as_of"] == "2019-03-14" and network["nodes"] == 3


def test_as_of_moves_the_window(archive, signed_in):
    community, convener, people = archive
    client = signed_in(convener)
    earlier = (LAST - timedelta(weeks=5)).date()
    body = _api(client, "insights", as_of=earlier.isoformat()).json()
    assert body["as_of"] == earlier.isoformat() and body["as_of_imported"] is False
    assert body["by_week"][-1]["week"] == week_of(earlier).isoformat()
    assert sum(sum(w["contributions"].values()) for w in body["by_week"]) == 5  # steady's
    # Five weeks earlier steady had answered five times: active, not yet core; helper nothing.
    assert body["levels"]["core"] == 0 and body["levels"]["active"] == 1
    assert body["members"] == 4  # the convener joined later
    levels = _api(client, "levels", as_of=earlier.isoformat()).json()
    assert levels["as_of"] == earlier.isoformat()
    assert {r["username"]: r["level"] for r in levels["results"]}[
        people["steady"].username] == "active"
    # The convener's own level then: none, they joined later.
    own = _api(client, "levels/me", as_of=earlier.isoformat()).json()
    assert own["as_of"] == earlier.isoformat() and own["level"] is None
    today = _api(client, "insights", as_of=timezone.now().date().isoformat()).json()
    assert sum(sum(w["contributions"].values()) for w in today["by_week"]) == 0
    assert today["levels"]["core"] == 0 and today["levels"]["peripheral"] == 5
    page = client.get(f"/c/archive/insights/?as_of={earlier.isoformat()}").content.decode()
    assert "Computed from the activity log for this date." in page
    assert "history was imported" not in page
    assert f"?weeks=26&amp;as_of={earlier.isoformat()}" not in page  # default weeks kept out
    assert f"?as_of={earlier.isoformat()}" in page  # downloads and the network keep the date
    csv = client.get(f"/c/archive/insights/contributions.csv?as_of={earlier.isoformat()}")
    assert csv.status_code == 200
    assert week_of(earlier).isoformat() in csv.content.decode().splitlines()[-1]
    network = client.get(f"/c/archive/insights/network/?as_of={earlier.isoformat()}")
    assert network.status_code == 200
    assert "Computed from the activity log for this date." in network.content.decode()


def test_a_community_with_live_activity_defaults_to_now(archive, signed_in):
    community, convener, people = archive
    record_activity(actor=convener, verb=Verb.TOPIC_STARTED, community=community)
    recompute()
    body = _api(signed_in(convener), "insights").json()
    assert body["as_of"] == timezone.now().date().isoformat()
    assert body["as_of_imported"] is False
    assert not CommunityFigures.objects.get(community=community).imported_history


def test_setting_up_a_community_after_its_import_keeps_the_archive_date(archive, signed_in):
    community, convener, _people = archive
    record_activity(actor=convener, verb=Verb.CHARTER_EDITED, community=community)
    record_activity(actor=convener, verb=Verb.COMMUNITY_VISITED, community=community)
    recompute()
    assert _api(signed_in(convener), "insights").json()["as_of"] == "2019-03-14"


def test_a_live_community_defaults_to_now(cast, act, signed_in):
    community, people = cast
    act(people["answerer"], Verb.ANSWER_POSTED, community, days_ago=1)
    recompute()
    client = signed_in(people["convener"])
    body = client.get(f"/api/v1/communities/{community.slug}/insights").json()
    assert body["as_of"] == timezone.now().date().isoformat()
    assert body["as_of_imported"] is False
    page = client.get(f"/c/{community.slug}/insights/").content.decode()
    assert "history was imported" not in page
    assert f'value="{timezone.now().date().isoformat()}"' in page
    # A future date is today.
    future = client.get(f"/api/v1/communities/{community.slug}/insights",
                        {"as_of": "2999-12-31"}).json()
    assert future["as_of"] == timezone.now().date().isoformat()


# --- bad dates and permissions ------------------------------------------------------------

@pytest.mark.parametrize("path", ["insights", "network", "levels", "levels/me"])
def test_a_bad_date_is_a_clear_api_error(archive, signed_in, path):
    _community, convener, _people = archive
    response = _api(signed_in(convener), path, as_of="14/03/2019")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"as_of": ["Give a date such as 2019-03-14."]}


@pytest.mark.parametrize("path", ["insights/", "insights/network/", "my-level/"])
def test_a_bad_date_is_a_form_error_on_the_pages(archive, signed_in, path):
    _community, convener, _people = archive
    response = signed_in(convener).get(f"/c/archive/{path}", {"as_of": "2019-02-30"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="as_of_error" role="alert">Give a date such as 2019-03-14.</p>' in page
    assert 'aria-invalid="true"' in page and 'value="2019-03-14"' in page  # the default shown
    csv = signed_in(convener).get("/c/archive/insights/contributions.csv", {"as_of": "soon"})
    assert csv.status_code == 400 and b"Give a date" in csv.content


def test_as_of_changes_no_permission(archive, make_user, signed_in, client):
    community, _convener, _people = archive
    member = make_user("member")
    Membership.objects.create(community=community, user=member)
    for path in ("insights/", "insights/network/"):
        assert signed_in(member).get(f"/c/archive/{path}?as_of=2019-01-01").status_code == 403
        assert client.get(f"/c/archive/{path}?as_of=2019-01-01").status_code == 302
    for path in ("insights", "network", "levels"):
        assert _api(signed_in(member), path, as_of="2019-01-01").status_code == 403
        assert _api(signed_in(member), path, as_of="nonsense").status_code == 403
    community.visibility = "private"
    community.save()
    outsider = make_user("outsider")
    assert signed_in(outsider).get("/c/archive/insights/?as_of=2019-01-01").status_code == 404
    assert _api(signed_in(outsider), "insights", as_of="2019-01-01").status_code == 404


# --- the real importer on a real archive --------------------------------------------------

@pytest.mark.skipif(not DUMP.exists(), reason="the Stack Exchange archive is not here")
def test_a_real_stack_exchange_archive_is_read_as_of_its_last_activity(make_user,
                                                                      make_community,
                                                                      signed_in):
    from cultivate.conversations.importing import do_import_stackexchange

    convener = make_user("convener")
    community = make_community(convener, name="Archive")
    do_import_stackexchange(actor=convener, community=community, directory=DUMP,
                            site="meta.history.stackexchange.com")
    recompute(community_ids=[community.pk])
    body = _api(signed_in(convener), "insights").json()
    assert body["as_of_imported"] is True and body["as_of"] < "2019-01-01"
    assert sum(sum(w["contributions"].values()) for w in body["by_week"]) > 0
    levels = body["levels"]
    assert levels["core"] + levels["active"] + levels["occasional"] > 0
    assert _api(signed_in(convener), "network").json()["nodes"] > 0


# --- value indicators and the cache -------------------------------------------------------

def test_value_indicators_default_to_the_archive_quarter(archive, signed_in):
    _community, convener, _people = archive
    client = signed_in(convener)
    body = client.get("/api/v1/communities/archive/value/indicators").json()
    assert body["period"] == "2019-Q1"
    contributions = next(i for i in body["indicators"] if i["key"] == "contributions")
    assert float(contributions["value"]) > 0
    assert client.get("/api/v1/communities/archive/value/matrix").json()["period"] == "2019-Q1"
    assert client.get("/api/v1/communities/archive/value/indicators",
                      {"period": "2026-Q1"}).json()["period"] == "2026-Q1"
    assert "2019-Q1" in client.get("/c/archive/value/indicators/").content.decode()


def test_figures_of_another_date_are_cached_under_it(archive, signed_in, settings,
                                                     django_assert_max_num_queries):
    from django.core.cache import cache

    _community, convener, _people = archive
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    client = signed_in(convener)
    path = "/api/v1/communities/archive/insights"
    first = client.get(path, {"as_of": "2019-02-01"}).json()
    with django_assert_max_num_queries(8):  # session, user, community, standing, figures...
        again = client.get(path, {"as_of": "2019-02-01"}).json()
    assert again == first
    other = client.get(path, {"as_of": "2019-03-01"}).json()
    assert other["as_of"] == "2019-03-01" and other["by_week"] != first["by_week"]
    for page in ("/c/archive/insights/network/", "/c/archive/my-level/"):
        assert client.get(page, {"as_of": "2019-02-01"}).status_code == 200
        assert client.get(page, {"as_of": "2019-02-01"}).status_code == 200

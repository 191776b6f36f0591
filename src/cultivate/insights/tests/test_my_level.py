"""A member sees their own level and why; facilitators tune the thresholds; the API agrees."""

import pytest
from django.test import Client

from cultivate.activity.actions import Verb
from cultivate.insights.levels import compute_levels
from cultivate.insights.models import LevelRules, MemberLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(cast, act, now):
    community, people = cast
    for n in range(3):
        act(people["regular"], Verb.STORY_TOLD, community, days_ago=2 + n)
    compute_levels(now=now)
    return community, people


def test_a_member_sees_their_level_the_reasons_and_every_level_without_a_ranking(computed,
                                                                               signed_in):
    community, people = computed
    page = signed_in(people["regular"]).get(f"/c/{community.slug}/my-level/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your level now: Active" in text
    assert "sharing methods, stories and resources" in text and ">15<" in text  # 3 x 5 points
    for name in ("Core group", "Occasional", "Peripheral", "Transactional"):
        assert name in text
    assert "convener" not in text  # nobody else's name or level is shown
    assert "Tune the thresholds" not in text


def test_roles_are_shown_apart_from_levels(computed, signed_in):
    community, people = computed
    text = signed_in(people["convener"]).get(f"/c/{community.slug}/my-level/").content.decode()
    assert "Your role here: <strong>convener</strong>" in text
    assert "Your level now: Peripheral" in text and "Tune the thresholds" in text


def test_only_signed_in_readers_see_a_level_page(computed, signed_in, make_user):
    community, _people = computed
    assert Client().get(f"/c/{community.slug}/my-level/").status_code == 302
    from cultivate.communities.models import Community

    Community.objects.filter(pk=community.pk).update(visibility="private")
    stranger = signed_in(make_user("stranger"))
    assert stranger.get(f"/c/{community.slug}/my-level/").status_code == 404


def test_facilitators_tune_thresholds_and_levels_follow(computed, signed_in,
                                                        django_capture_on_commit_callbacks):
    community, people = computed
    url = f"/c/{community.slug}/insights/levels/"
    assert signed_in(people["regular"]).get(url).status_code == 403
    convener = signed_in(people["convener"])
    bad = convener.post(url, {"window_days": 90, "core_score": 10, "core_weeks": 4,
                              "active_score": 20, "occasional_score": 3})
    assert bad.status_code == 400 and "each level needs more" in bad.content.decode()
    assert not LevelRules.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        saved = convener.post(url, {"window_days": 90, "core_score": 60, "core_weeks": 4,
                                    "active_score": 30, "occasional_score": 3})
    assert saved.status_code == 302
    # Immediate tasks: the community was recomputed after the commit.
    assert MemberLevel.objects.get(user=people["regular"]).level == "occasional"


def test_the_api_tells_the_same(computed, signed_in):
    community, people = computed
    base = f"/api/v1/communities/{community.slug}"
    response = signed_in(people["regular"]).get(base + "/levels/me")
    mine = response.json()
    assert response.status_code == 200, mine
    assert mine["level"] == "active" and mine["score"] == 15
    assert mine["role"] == "member" and mine["points_to_next_level"] == 25
    assert {c["kind"]: c["count"] for c in mine["contributions"]}["sharing"] == 3
    assert signed_in(people["regular"]).get(base + "/levels").status_code == 403
    everyone = signed_in(people["convener"]).get(base + "/levels").json()
    assert everyone["count"] == 7 and everyone["results"][0]["level"] == "active"
    put = signed_in(people["convener"]).put(base + "/level-rules", {"core_score": 5},
                                             content_type="application/json")
    assert put.status_code == 400 and "active_score" in put.json()["error"]["fields"]
    unknown = signed_in(people["convener"]).put(base + "/level-rules", {"core": 50},
                                                 content_type="application/json")
    assert unknown.status_code == 422
    member_put = signed_in(people["regular"]).put(base + "/level-rules", {"window_days": 30},
                                                   content_type="application/json")
    assert member_put.status_code == 403

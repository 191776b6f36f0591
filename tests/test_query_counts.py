"""Hot pages run a bounded number of queries, however many communities or members there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.activity.actions import record_visit
from cultivate.communities.models import Membership

pytestmark = pytest.mark.django_db

# Pinned upper bounds: a change here must be a decision, not an accident. Member lists may stop
# early when the first roles already fill the page.
# Each includes the session and user lookups (2 queries); member lists read role by role (5);
# the home reads its key resources (1, resources app), the plan of this quarter (1, health) and,
# for stewards, where the start-up guide is (1, health); the latest conversations and the
# questions waiting (2, conversations), the next events (2, events) and, for a convener, whether
# another convener is there so she may leave (1). Cached fragments make these cold-cache figures.
EXPECTED = {"directory": 7, "home": 19, "members": 9, "api_directory": 5}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def landscape(make_user, make_community):
    def build(size: int):
        convener = make_user(f"convener{size}")
        for i in range(size):
            community = make_community(convener, name=f"Community {size}-{i}", tags=[f"t{i}", "x"])
        for i in range(size * 3):
            Membership.objects.create(community=community, user=make_user(f"m{size}-{i}"),
                                      role="core" if i % 2 else "member")
        return convener, community

    return build


@pytest.mark.parametrize("size", [2, 8])
def test_page_queries_do_not_grow_with_data(client, landscape, size):
    convener, community = landscape(size)
    client.force_login(convener)
    # The day's first visit writes one activity row (reading counts for levels); later visits
    # that day write nothing: measure those, the usual case.
    record_visit(user=convener, community=community)
    counts = {
        "directory": queries_for(client, "/"),
        "home": queries_for(client, f"/c/{community.slug}/"),
        "members": queries_for(client, f"/c/{community.slug}/members/"),
        "api_directory": queries_for(client, "/api/v1/communities"),
    }
    assert all(counts[page] <= EXPECTED[page] for page in EXPECTED), counts
    assert counts["directory"] == EXPECTED["directory"]


# Events (cultivate.events): numbers and the reader's answer are subqueries of each event row.
EVENT_PAGES = {"events": 7, "event": 6}  # the event page: a waiting reader's place too


@pytest.mark.parametrize("size", [2, 8])
def test_event_pages_do_not_grow_with_events_or_answers(client, make_user, make_community,
                                                        size):
    from datetime import timedelta

    from django.utils import timezone

    from cultivate.events.actions import do_plan_event, do_rsvp

    convener = make_user("ana")
    community = make_community(convener, name="Budget Practitioners")
    members = [make_user(f"m{i}") for i in range(size)]
    for member in members:
        Membership.objects.create(community=community, user=member)
    for i in range(size):
        starts = timezone.now() + timedelta(days=i - size // 2)
        event = do_plan_event(actor=convener, community=community, title=f"Clinic {i}",
                              starts_at=starts, ends_at=starts + timedelta(hours=1),
                              time_zone="Europe/Paris", capacity=size // 2,
                              learning_format="peer-assist")
        if event.ends_at > timezone.now():
            for member in members:
                do_rsvp(actor=member, event=event, answer="going")
    client.force_login(members[-1])
    counts = {"events": queries_for(client, f"/c/{community.slug}/events/"),
              "event": queries_for(client, event.get_absolute_url())}
    assert counts == EVENT_PAGES, counts

"""Every list endpoint of the API runs a pinned number of queries on a living landscape (the
demo: several rows of every kind), with the caches off, so a list that starts to read row by
row or to count what it did not count before fails here."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# Each includes the token lookup (1 query; the session and user lookups, 2, for /me/tokens,
# which refuses tokens). A change here must be a decision.
EXPECTED = {
    "/communities": 5,
    "/communities/{slug}/members": 8,
    "/communities/{slug}/requests": 4,
    "/communities/{slug}/invitations": 4,
    "/communities/{slug}/activity": 10,
    "/communities/{slug}/topics": 6,
    "/communities/{slug}/topics?kind=question&unanswered=true": 6,
    "/communities/{slug}/moderation": 4,
    "/communities/{slug}/events": 5,
    "/events/{event}/occurrences": 2,
    "/events/{event}/live/participants": 10,
    "/communities/{slug}/resources": 6,
    "/communities/{slug}/key-resources": 5,
    "/methods": 3,
    "/communities/{slug}/methods": 6,
    "/methods/{method}/revisions": 5,
    "/formats": 4,
    "/communities/{slug}/formats": 5,
    "/communities/{slug}/value-stories": 14,
    "/communities/{slug}/health/thresholds": 4,
    "/communities/{slug}/pulse": 5,
    "/communities/{slug}/maturity": 5,
    "/communities/{slug}/plans": 9,
    "/communities/{slug}/levels": 6,  # + the date the levels are as of (insights/as_of.py)
    "/communities/{slug}/network/members": 5,
    "/communities/{slug}/network/ties": 5,
    "/communities/{slug}/audit": 6,
    "/audit": 4,
    "/insights/landscape": 7,
    "/history/communities.community/{community}": 4,
    "/search?q=budget": 5,
    "/search/library?q=budget": 3,
    "/me/notifications": 3,
    "/me/subscriptions": 3,
    "/me/applied": 2,
    "/me/tokens": 3,
}


@pytest.fixture
def landscape(settings):
    settings.PAGE_CACHE_SECONDS = 0  # count what a cold request costs
    call_command("seed_demo", verbosity=0)


def test_every_list_endpoint_runs_its_pinned_number_of_queries(landscape):
    from cultivate.communities.models import Community
    from cultivate.events.models import Event
    from cultivate.people.actions import do_create_access_token
    from cultivate.people.models import User
    from cultivate.practice.models import Method

    community = Community.objects.get(slug="budget-reform")
    anahit = User.objects.get(username="anahit")  # its convener, and a platform admin below
    User.objects.filter(pk=anahit.pk).update(is_staff=True, is_superuser=True)
    values = {"slug": community.slug, "community": community.pk,
              "event": Event.objects.filter(community=community).order_by("pk").first().pk,
              "method": Method.objects.filter(community=community).order_by("pk").first().slug}
    secret = do_create_access_token(actor=anahit, name="queries")[1]
    by_token, by_session = Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), Client()
    by_session.force_login(anahit)
    counts = {}
    for pattern in EXPECTED:
        path = "/api/v1" + pattern.format(**values)
        client = by_session if pattern == "/me/tokens" else by_token
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        counts[pattern] = len(captured)
    assert counts == EXPECTED, "\n".join(f"{k}: {v}" for k, v in counts.items())

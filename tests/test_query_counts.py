"""Hot pages run a bounded number of queries, however many communities or members there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.communities.models import Membership

pytestmark = pytest.mark.django_db

# Pinned upper bounds: a change here must be a decision, not an accident. Member lists may stop
# early when the first roles already fill the page.
# Each includes the session and user lookups (2 queries); member lists read role by role (5);
# the home reads its key resources (1, resources app).
EXPECTED = {"directory": 7, "home": 13, "members": 9, "api_directory": 5}


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
    counts = {
        "directory": queries_for(client, "/"),
        "home": queries_for(client, f"/c/{community.slug}/"),
        "members": queries_for(client, f"/c/{community.slug}/members/"),
        "api_directory": queries_for(client, "/api/v1/communities"),
    }
    assert all(counts[page] <= EXPECTED[page] for page in EXPECTED), counts
    assert counts["directory"] == EXPECTED["directory"]

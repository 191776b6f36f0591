from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.communities import queries
from cultivate.communities.models import Membership

pytestmark = pytest.mark.django_db


def test_member_pages_cover_everyone_once_in_role_order(make_user, make_community):
    convener = make_user("convener")
    community = make_community(convener)
    roles = ["member", "core", "facilitator", "sponsor"]
    start = timezone.now()
    for i in range(117):
        Membership.objects.create(community=community, user=make_user(f"p{i:03}"),
                                  role=roles[i % 4], joined_at=start + timedelta(minutes=i))
    seen, page, has_next = [], 1, True
    while has_next:
        rows, has_next = queries.members_page(community, page, per_page=25)
        seen += rows
        page += 1
    assert len(seen) == 118 and len({m.pk for m in seen}) == 118
    order = [m.role for m in seen]
    expected = ["convener", "facilitator", "sponsor", "core", "member"]
    assert order == sorted(order, key=expected.index)
    cores = [m.joined_at for m in seen if m.role == "core"]
    assert cores == sorted(cores)
    assert queries.members_page(community, 99, per_page=25) == ([], False)

from datetime import timedelta

import pytest
from django.utils import timezone

# "Now" for the job; tasks the tests trigger recompute at the real now, so stay close to it.
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def cast(make_user, make_community):
    """A community with a convener and members who joined long ago (before the window)."""
    from cultivate.communities.models import Membership

    convener = make_user("convener")
    community = make_community(convener)
    people = {"convener": convener}
    for name in ("answerer", "regular", "occasional", "quiet", "reader", "left"):
        people[name] = make_user(name)
        Membership.objects.create(community=community, user=people[name],
                                  joined_at=NOW - timedelta(days=400))
    Membership.objects.filter(community=community, user=convener).update(
        joined_at=NOW - timedelta(days=400))
    return community, people


@pytest.fixture
def act():
    """Write activity rows as the actions would, at chosen times."""
    from cultivate.activity.actions import record_activity

    def act(actor, verb, community, *, days_ago: float, payload=None):
        return record_activity(actor=actor, verb=verb, community=community, payload=payload,
                               occurred_at=NOW - timedelta(days=days_ago))

    return act

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cultivate.communities.models import Membership
from cultivate.events import actions


@pytest.fixture
def world(make_user, make_community):
    """A private community (convener ana, facilitator fay, members ben, bea and bob), a public
    one (convener cleo, member max), and olga who belongs to none."""
    people = {name: make_user(name) for name in ("ana", "fay", "ben", "bea", "bob", "cleo",
                                                  "max", "olga")}
    private = make_community(people["ana"], name="Treasury Circle", visibility="private",
                             join_policy="invitation")
    Membership.objects.create(community=private, user=people["fay"], role="facilitator")
    for name in ("ben", "bea", "bob"):
        Membership.objects.create(community=private, user=people[name])
    public = make_community(people["cleo"], name="Open Budgets")
    Membership.objects.create(community=public, user=people["max"])
    return {"private": private, "public": public, **people}


def wall(*parts) -> datetime:
    """A wall-clock time with no zone: the event's zone gives it meaning."""
    return datetime(*parts)  # noqa: DTZ001


def soon(hours=48, length=90):
    starts = (timezone.now() + timedelta(hours=hours)).replace(microsecond=0)
    return starts, starts + timedelta(minutes=length)


@pytest.fixture
def plan():
    def make(actor, community, **changes):
        starts, ends = soon()
        values = {"title": "Case clinic on budget circulars", "starts_at": starts,
                  "ends_at": ends, "time_zone": "Asia/Almaty",
                  "description": "Bring a **circular**.", "agenda": "1. Cases\n2. Advice",
                  "online_url": "https://meet.example.org/clinic", "venue": ""}
        return actions.do_plan_event(actor=actor, community=community, **(values | changes))

    return make



@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (mail) as if the test's transaction committed."""
    return django_capture_on_commit_callbacks

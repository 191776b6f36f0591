"""Named people around one event: convener (facilitates), member, outsider; a guest joins."""

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("convener", "member", "outsider", "other")}


@pytest.fixture
def community(people, make_community):
    from cultivate.communities.actions import do_join_community

    community = make_community(people["convener"])
    do_join_community(actor=people["member"], community=community)
    return community


@pytest.fixture
def event(community, people):
    from cultivate.events.models import Event

    start = timezone.now() - timedelta(minutes=10)
    return Event.objects.create(community=community, title="Case clinic on arrears",
                                starts_at=start, ends_at=start + timedelta(hours=1),
                                created_by=people["convener"])


@pytest.fixture
def channel(event):
    from cultivate.live.actions import channel_of

    return channel_of(event)


@pytest.fixture
def member_participant(event, people):
    from cultivate.live.actions import do_join_as_member

    return do_join_as_member(actor=people["member"], event=event)


@pytest.fixture
def allow_guests(event, people):
    from cultivate.live.actions import do_set_channel

    return do_set_channel(actor=people["convener"], event=event, guests_allowed=True)


@pytest.fixture
def guest(event, allow_guests):
    from cultivate.live.actions import do_join_as_guest

    return do_join_as_guest(event=event, code=event.join_code, display_name="Ana (guest)")

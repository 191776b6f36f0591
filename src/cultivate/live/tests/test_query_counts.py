"""The room, its state and its updates run a bounded number of queries however busy the room."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.live import actions

pytestmark = pytest.mark.django_db

# Session + user (2), event, channel, standing (membership), participant, items, polls with
# options (2), my votes, my poll answers.
EXPECTED = {"room": 11, "state": 11, "updates": 7}


def busy_room(event, people, guest, member_participant, size: int):
    for n in range(size):
        question = actions.do_post_item(participant=guest if n % 2 else member_participant,
                                        kind="question", body=f"Question {n}?")
        actions.do_vote(participant=member_participant if n % 2 else guest, item=question)
        actions.do_create_poll(actor=people["convener"], event=event, question=f"Poll {n}",
                               options=["a", "b", "c"])


@pytest.mark.parametrize("size", [1, 6])
def test_room_queries_do_not_grow_with_items_votes_or_polls(event, people, guest,
                                                           member_participant, signed_in,
                                                           settings, size):
    settings.CULTIVATE_LIVE_POST_RATE = settings.CULTIVATE_LIVE_VOTE_RATE = "1000/m"
    busy_room(event, people, guest, member_participant, size)
    client = signed_in(people["member"])
    for name, url in (("room", f"/events/{event.pk}/live/"),
                      ("state", f"/events/{event.pk}/live/state"),
                      ("updates", f"/events/{event.pk}/live/updates?after=0")):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert len(captured) <= EXPECTED[name], name

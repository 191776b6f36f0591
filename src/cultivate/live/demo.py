"""The demo's live backchannel: a peer assist six weeks ago in the facilitators' network, with
questions asked and voted on during the session, one answered live, attendance taken and the
best questions harvested into the community's conversations (owned by those who asked)."""

from datetime import timedelta

from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.events import actions as events
from cultivate.events import attendance
from cultivate.events.models import Event
from cultivate.live import actions as live
from cultivate.live import harvest
from cultivate.live.models import Item

DEMO_ORDER = 45
COMMUNITY = "facilitators-network"
TITLE = "Peer assist: facilitating across time zones"
QUESTIONS = (
    ("yuki", "How do you schedule when half the group is eight hours ahead?", ("sofia", "carlos",
                                                                                "meera")),
    ("carlos", "Do you record sessions for those who cannot come, or write notes?",
     ("yuki", "grace")),
    ("meera", "What do you do when the host's internet drops mid-session?", ("samuel",)),
)
LIVE_ANSWER = "Rotate the time: one session in their morning, the next in ours."


def plant(people: dict) -> int:
    community = Community.objects.filter(slug=COMMUNITY).first()
    if community is None or Event.objects.filter(community=community, title=TITLE).exists():
        return 0
    host = people["kwame"]
    starts = (timezone.now() - timedelta(days=44)).replace(hour=13, minute=0, second=0,
                                                           microsecond=0)
    event = events.do_plan_event(
        actor=host, community=community, title=TITLE, starts_at=starts,
        ends_at=starts + timedelta(minutes=90), time_zone="UTC",
        online_url="https://meet.example.org/facilitators",
        description="Sofia hosts: her network now spans Manila to Bogotá. Peers help her "
                    "design sessions that work for everyone.")
    items = []
    for asker, text, voters in QUESTIONS:
        participant = live.do_join_as_member(actor=people[asker], event=event)
        item = live.do_post_item(participant=participant, kind="question", body=text)
        for voter in voters:
            live.do_vote(participant=live.do_join_as_member(actor=people[voter], event=event),
                         item=item)
        items.append(item)
    live.do_moderate_item(actor=host, item=items[0], op="answer", answer=LIVE_ANSWER)
    Item.objects.filter(pk__in=[i.pk for i in items]).update(
        created_at=starts + timedelta(minutes=20))
    present = [people[name].pk for name in ("sofia", "yuki", "carlos", "meera", "samuel",
                                            "grace", "kwame")]
    attendance.do_record_attendance(actor=host, event=event, present=present)
    harvest.do_harvest(actor=host, event=event, question_ids=[i.pk for i in items[:2]],
                       summary="Rotate session times; record **and** write three-line notes.")
    return 1

"""Two learning events for the demo landscape, one coming and one past with its notes
(seed-demo plants them through the actions, like everything else)."""

from datetime import timedelta

from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.events import actions, queries
from cultivate.events.models import Event
from cultivate.formats.models import LearningFormat

COMMUNITY = "budget-reform"
UPCOMING = {
    "title": "Case clinic: program budgets in line ministries",
    "description": "Milica brings the restructuring of programs in five line ministries; "
                   "three peers who did it recently help her find the next step.",
    "time_zone": "Asia/Almaty", "online_url": "https://meet.example.org/budget-clinic",
    "capacity": 12, "learning_format": "case-clinics",
}
PAST = {
    "title": "After-action review of the spring plenary",
    "description": "What should have happened at the plenary in Chișinău, what did, and "
                   "what we change for the next one.",
    "time_zone": "Europe/Chisinau", "venue": "Ministry of Finance, Chișinău, room 204",
    "learning_format": "after-action-review",
    "notes": "- The country sessions worked; the plenary panels were too long.\n"
             "- Translation into Russian came late for two sessions.\n"
             "- Hosts want the agenda **six weeks** ahead.",
    "outputs": "1. A host checklist, now in the resource library.\n"
               "2. Next plenary: 20-minute panels, more clinics.",
}


# Every other community has its next gathering planned: (slug, host, title, days, hour, zone,
# format, description).
ELSEWHERE = (
    ("monitoring-evaluation", "carlos", "Clinic: outcome statements from partner reports", 6,
     15, "Africa/Johannesburg", "case-clinics",
     "Lucas brings five partner reports; we practise turning activities into outcomes."),
    ("facilitators-network", "kwame", "Peer assist: hybrid World Café", 13, 16, "Europe/Lisbon",
     "peer-assist", "Meera's question: bringing the online tables into the room."),
    ("humanitarian-logistics", "grace", "Peer assist: last-mile vouchers offline", 9, 11,
     "Africa/Nairobi", "peer-assist", "Ahmed hosts; peers from three field offices help."),
    ("climate-adaptation", "rafael", "Webinar: climate budget tagging in small ministries", 18,
     14, "Pacific/Tongatapu", "",
     "Lan and Mele compare two countries' first year of tagging."),
    ("public-internal-audit", "nodir", "Certification study group", 4, 10, "Europe/Belgrade",
     "", "Chapter 4 of the standards, with the practice questions."),
    ("horizons-learning-circle", "samuel", "Quarterly review circle", 25, 9, "Asia/Kathmandu",
     "after-action-review", "Tenzin's monsoon response, one year on."),
)


def _plant_elsewhere(people: dict) -> int:
    added = 0
    for slug, host, title, days, hour, zone, fmt, description in ELSEWHERE:
        community = Community.objects.filter(slug=slug).first()
        if community is None or Event.objects.filter(community=community, title=title).exists():
            continue
        starts, ends = _at(days, hour, zone)
        event = actions.do_plan_event(actor=people[host], community=community, title=title,
                                      starts_at=starts, ends_at=ends, time_zone=zone,
                                      description=description, learning_format=_format(fmt),
                                      online_url="https://meet.example.org/" + slug)
        member_ids = list(community.memberships.exclude(user=people[host])
                          .values_list("user__username", flat=True)[:4])
        for username in member_ids:
            actions.do_rsvp(actor=people[username], event=event, answer="going")
        added += 1
    return added


def _at(days: int, hour: int, zone_name: str):
    from zoneinfo import ZoneInfo

    day = (timezone.now() + timedelta(days=days)).astimezone(ZoneInfo(zone_name)).date()
    return f"{day.isoformat()}T{hour:02d}:00", f"{day.isoformat()}T{hour + 1:02d}:30"


def _format(slug: str):
    return LearningFormat.objects.filter(slug=slug).first()


DEMO_ORDER = 40


def plant(people: dict) -> int:
    """Create the demo events that are missing; returns how many were added."""
    community = Community.objects.filter(slug=COMMUNITY).first()
    if community is None:
        return 0
    added = 0
    if not Event.objects.filter(community=community, title=UPCOMING["title"]).exists():
        starts, ends = _at(10, 14, UPCOMING["time_zone"])
        fmt, _adaptation, agenda = queries.format_agenda(community, UPCOMING["learning_format"])
        values = {**UPCOMING, "learning_format": fmt, "agenda": agenda}
        event = actions.do_plan_event(actor=people["aibek"], community=community,
                                      starts_at=starts, ends_at=ends, **values)
        for username, answer in (("milica", "going"), ("elena", "going"),
                                 ("james", "maybe"), ("anahit", "going")):
            actions.do_rsvp(actor=people[username], event=event, answer=answer)
        added += 1
    if not Event.objects.filter(community=community, title=PAST["title"]).exists():
        starts, ends = _at(-21, 10, PAST["time_zone"])
        values = {key: PAST[key] for key in ("title", "description", "time_zone", "venue")}
        event = actions.do_plan_event(actor=people["anahit"], community=community,
                                      starts_at=starts, ends_at=ends,
                                      learning_format=_format(PAST["learning_format"]),
                                      **values)
        actions.do_record_event_outcome(people["anahit"], event, notes=PAST["notes"],
                                        outputs=PAST["outputs"])
        added += 1
    return added + _plant_elsewhere(people)

"""Stored figures written straight into the tables the job fills, for the dashboard tests."""

from datetime import timedelta
from html.parser import HTMLParser

from django.utils import timezone

from cultivate.communities.models import Community, Membership
from cultivate.insights.models import CommunityFigures, LevelSnapshot, MemberLevel, WeeklyFigures
from cultivate.insights.queries import this_week

LEVELS = {"core": 3, "active": 7, "occasional": 12, "peripheral": 40, "transactional": 5}
ASKED = "2026-03-02T09:30:00+00:00"


def make_world(make_user, make_community) -> dict:
    """A private community (convener ana, facilitator fay, sponsor sam, core cora, member ben),
    a public one (convener cleo, member max), olga who belongs to none, and root (admin)."""
    people = {name: make_user(name) for name in ("ana", "fay", "sam", "cora", "ben", "cleo",
                                                  "max", "olga")}
    people["root"] = make_user("root", superuser=True)
    private = make_community(people["ana"], name="Treasury Circle", visibility="private",
                             join_policy="invitation")
    for name, role in (("fay", "facilitator"), ("sam", "sponsor"), ("cora", "core"),
                       ("ben", "member")):
        Membership.objects.create(community=private, user=people[name], role=role)
    public = make_community(people["cleo"], name="Open Budgets")
    Membership.objects.create(community=public, user=people["max"])
    Community.objects.filter(pk=private.pk).update(member_count=5)  # as the actions keep it
    Community.objects.filter(pk=public.pk).update(member_count=2)
    private.refresh_from_db()
    public.refresh_from_db()
    return {"private": private, "public": public, **people}


def week_row(community, weeks_ago: int, **values) -> WeeklyFigures:
    base = {"contributions": {"answering": 2 + weeks_ago, "posting": 5, "reading": 11},
            "contributors": 6, "new_members": 1 + weeks_ago % 3, "returning_members": 4,
            "questions": 3, "questions_answered": 2,
            "first_answer_seconds": [1800.0, 3600.0 * (1 + weeks_ago)],  # median: (1800+..)/2
            "attendance": weeks_ago % 2 * 9}
    return WeeklyFigures(community=community, week=this_week() - timedelta(weeks=weeks_ago),
                         **(base | values))


def fill(community, *, weeks: int = 4, snapshots: int = 3, unanswered=None) -> CommunityFigures:
    WeeklyFigures.objects.bulk_create([week_row(community, n) for n in range(weeks)])
    LevelSnapshot.objects.bulk_create([
        LevelSnapshot(community=community, taken_on=this_week() - timedelta(weeks=n),
                      counts={level: count + n for level, count in LEVELS.items()})
        for n in range(snapshots)])
    return CommunityFigures.objects.create(
        community=community, members=62, levels=LEVELS, questions=40, questions_answered=30,
        median_first_answer_seconds=5400.0, computed_at=timezone.now(), unanswered_count=10,
        unanswered=unanswered if unanswered is not None else [
            {"id": 7, "title": "How do you phase a budget reform?", "url": "/c/x/t/7/",
             "asked_at": ASKED}],
        useful_content=[{"kind": "post", "id": 9, "title": "Case clinic notes",
                         "url": "/c/x/t/3/#post-9", "score": 7},
                        {"kind": "topic", "id": 3, "title": "Budget calendars",
                         "url": "/c/x/t/3/", "score": 4}],
        network={"density": 0.25, "nodes": 30})


def add_member_levels(community, users) -> None:
    """Rows the dashboard never reads (it reads the counts): for query-count tests."""
    MemberLevel.objects.bulk_create([MemberLevel(community=community, user=user, level="active")
                                     for user in users])


class Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts (header row first)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row = None
        self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

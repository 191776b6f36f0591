"""JSON routes for levels of participation: your own (with the reasons), everyone's (for those
who see the dashboard), and the thresholds."""

from datetime import date, datetime

from django.core.paginator import Paginator
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.insights import actions, level_queries
from cultivate.policy import Can

router = Router(tags=["insights"])
PER_PAGE = 100


class Contribution(Schema):
    kind: str
    label: str
    count: int
    weight: float
    points: float


class Change(Schema):
    from_level: str
    to_level: str
    changed_at: datetime


class RulesOut(Schema):
    window_days: int
    core_score: int
    core_weeks: int
    active_score: int
    occasional_score: int


AS_OF = Field(description="The date levels are as of: `as_of` when given, else the last "
                          "activity of a community that holds only imported history, else "
                          "today (UTC).")


class LevelsAsOfQuery(Schema):
    as_of: str | None = Field(None, description="YYYY-MM-DD: levels as of the end of that day "
                                                "(UTC); a later day than today is today.")


class MyLevelOut(Schema):
    as_of: date = AS_OF
    level: str | None = Field(description="core, active, occasional, peripheral, "
                                          "transactional; null before the first computation")
    score: float
    since: datetime | None = Field(description="null for a date the levels were not stored for")
    role: str | None = Field(description="Your role, chosen by people: apart from the level.")
    contributions: list[Contribution]
    history: list[Change]
    rules: RulesOut
    points_to_next_level: float | None
    levels: dict[str, str] = Field(description="What people at each level do.")


class MemberLevelOut(Schema):
    user_id: int
    username: str
    display_name: str
    level: str
    score: float
    counts: dict[str, int]
    active_weeks: int
    is_member: bool
    since: datetime | None


class LevelsPage(Schema):
    as_of: date = AS_OF
    count: int
    page: int
    pages: int
    results: list[MemberLevelOut]


class RulesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    window_days: int | None = None
    core_score: int | None = None
    core_weeks: int | None = None
    active_score: int | None = None
    occasional_score: int | None = None


@router.get("/communities/{slug}/levels/me", response=MyLevelOut,
            summary="Your level of participation and why")
def my_level(request, slug: str, params: Query[LevelsAsOfQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in")
    explained = level_queries.explain(request.user, community, params.as_of)
    level = explained.level
    return {"as_of": explained.as_of.day, "level": level.level if level else None,
            "score": level.score if level else 0,
            "since": level.since if level else None, "role": explained.role,
            "contributions": explained.contributions,
            "history": explained.history, "rules": explained.thresholds.__dict__,
            "points_to_next_level": explained.next_level_points,
            "levels": {value: text for value, _name, text in
                       level_queries.level_descriptions()}}


@router.get("/communities/{slug}/levels", response=LevelsPage,
            summary="Everyone's level (conveners, facilitators, sponsors)")
def levels(request, slug: str, params: Query[LevelsAsOfQuery], page: int = 1):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)
    when, stored = level_queries.reference(community, params.as_of)
    paginator = Paginator(level_queries.levels_of_members(community, when, stored=stored),
                          PER_PAGE)
    current = paginator.get_page(page)
    return {"as_of": when.day, "count": paginator.count, "page": current.number,
            "pages": paginator.num_pages,
            "results": [{"user_id": m.user_id, "username": m.user.username,
                         "display_name": m.user.public_name, "level": m.level,
                         "score": m.score, "counts": m.counts, "active_weeks": m.active_weeks,
                         "is_member": m.is_member, "since": m.since} for m in current]}


@router.get("/communities/{slug}/level-rules", response=RulesOut,
            summary="The thresholds of the levels")
def get_rules(request, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    return level_queries.thresholds_of(community).__dict__


@router.put("/communities/{slug}/level-rules", response=RulesOut,
            summary="Tune the thresholds (facilitators, conveners); levels are recomputed")
def put_rules(request, slug: str, payload: RulesIn):
    community, _standing = policy.access_community(request.user, slug, Can.TUNE_LEVELS)
    values = {k: v for k, v in payload.model_dump().items() if v is not None}
    rules = actions.do_set_level_rules(actor=request.user, community=community, **values)
    return {field: getattr(rules, field) for field in RulesOut.model_fields}

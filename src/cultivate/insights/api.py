"""JSON routes of the dashboards over the same queries as the pages (stored figures only)."""

from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.core.paging import page_of
from cultivate.insights import queries
from cultivate.policy import Can

router = Router(tags=["insights"])


class WeekOut(Schema):
    week: date = Field(description="The Monday (UTC) the week starts on.")
    contributions: dict[str, int] = Field(
        description="Kind (answering, sharing, facilitating, posting, attending, reading) -> "
                    "count.")
    contributors: int
    new_members: int
    returning_members: int
    questions: int = Field(description="Questions asked this week.")
    questions_answered: int = Field(description="Of this week's questions, those answered.")
    median_first_answer_seconds: float | None = Field(
        description="Median wait for a first answer of this week's answered questions.")
    attendance: int = Field(description="People who attended events this week.")


class SnapshotOut(Schema):
    week: date = Field(description="The week of the snapshot (its last one that week).")
    levels: dict[str, int]


class UnansweredOut(Schema):
    id: int | None
    title: str
    url: str
    asked_at: datetime | None


class UsefulOut(Schema):
    kind: str = Field(description="topic or post")
    id: int | None
    title: str
    url: str
    score: float = Field(description="A helpful mark counts 1, being the accepted answer 3.")


class DashboardOut(Schema):
    community: str
    as_of: date = Field(description="The date the figures are as of: `as_of` when given, else "
                                    "the last activity of a community that holds only "
                                    "imported history, else today (UTC).")
    as_of_imported: bool = Field(description="The date is the default of a community that "
                                             "holds only imported history.")
    computed_at: datetime | None = Field(description="When the job last computed the figures; "
                                                     "null: not yet.")
    weeks: int = Field(description="The period covered, in weeks (the current one last).")
    members: int
    levels: dict[str, int] = Field(description="Level (core, active, occasional, peripheral, "
                                               "transactional) -> people now.")
    level_history: list[SnapshotOut]
    questions: int
    questions_answered: int
    median_first_answer_seconds: float | None
    unanswered_count: int
    unanswered: list[UnansweredOut] = Field(description="Oldest waiting first.")
    useful_content: list[UsefulOut]
    network: dict = Field(description="The interaction network's summary measures.")
    by_week: list[WeekOut]
    html_url: str


class DashboardQuery(Schema):
    weeks: int = Field(queries.DEFAULT_WEEKS,
                       description=f"One of {', '.join(map(str, queries.PERIODS))}.")
    as_of: str | None = Field(None, description="YYYY-MM-DD: the figures as of the end of that "
                                                "day (UTC); a later day than today is today.")


class LandscapeItem(Schema):
    slug: str
    name: str
    stage: str
    members: int
    levels: dict[str, int]
    contributions_by_week: list[int] = Field(
        description="Contributions of each of the last weeks, oldest first.")
    computed_at: datetime | None
    html_url: str


class LandscapePage(Schema):
    weeks: list[date] = Field(description="The weeks of contributions_by_week.")
    items: list[LandscapeItem]
    count: int
    page: int
    pages: int


class LandscapeQuery(Schema):
    page: int = 1


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path else ""


@router.get("/communities/{slug}/insights", response=DashboardOut,
            summary="A community's dashboard figures (conveners, facilitators, sponsors)")
def community_insights(request: HttpRequest, slug: str, params: Query[DashboardQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)
    weeks = queries.chosen_weeks(params.weeks)
    d = queries.dashboard(community, weeks=weeks, as_of_value=params.as_of)
    return {
        "community": community.slug, "as_of": d.as_of.day, "as_of_imported": d.as_of.imported,
        "computed_at": d.computed_at, "weeks": weeks,
        "members": d.members, "levels": d.levels,
        "level_history": [{"week": day, "levels": counts} for day, counts in d.level_history],
        "questions": d.questions, "questions_answered": d.questions_answered,
        "median_first_answer_seconds": d.median_first_answer_seconds,
        "unanswered_count": d.unanswered_count,
        "unanswered": [row | {"url": _absolute(row["url"])} for row in d.unanswered],
        "useful_content": [row | {"url": _absolute(row["url"])} for row in d.useful_content],
        "network": d.network,
        "by_week": [{"week": w.week, "contributions": w.contributions,
                     "contributors": w.contributors, "new_members": w.new_members,
                     "returning_members": w.returning_members, "questions": w.questions,
                     "questions_answered": w.questions_answered,
                     "median_first_answer_seconds": w.median_first_answer_seconds,
                     "attendance": w.attendance} for w in d.weeks],
        "html_url": _absolute(reverse("insights:dashboard", args=[community.slug])),
    }


@router.get("/insights/landscape", response=LandscapePage,
            summary="Communities side by side: all for platform admins, else those you "
                    "convene, facilitate or sponsor")
def landscape(request: HttpRequest, params: Query[LandscapeQuery]):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in")
    page = page_of(queries.landscape_communities(request.user), params.page,
                   queries.LANDSCAPE_PER_PAGE)
    if page.count == 0:
        raise NotAllowed("no community's insights to see")
    rows, weeks = queries.landscape_rows(page.rows)
    return {"weeks": weeks} | page.body([
        {"slug": row.community.slug, "name": row.community.name, "stage": row.community.stage,
         "members": row.members, "levels": row.levels, "contributions_by_week": row.trend,
         "computed_at": row.computed_at,
         "html_url": _absolute(reverse("insights:dashboard", args=[row.community.slug]))}
        for row in rows])

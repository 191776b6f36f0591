"""What a person may learn about levels: their own with the reasons, and (for those who see the
dashboard) everyone's."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When

from cultivate.communities.models import Membership
from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.insights import as_of
from cultivate.insights.as_of import AsOf
from cultivate.insights.models import (
    LEVEL_ORDER,
    CommunityFigures,
    LevelChange,
    LevelRules,
    MemberLevel,
)
from cultivate.insights.rules import KIND_LABELS, KINDS, LEVEL_DESCRIPTIONS, Thresholds


@dataclass
class Explained:
    level: MemberLevel | None
    thresholds: Thresholds
    contributions: list[dict]  # kind, label, count, weight, points
    history: list[LevelChange]
    role: str | None
    as_of: AsOf | None = None

    @property
    def next_level_points(self) -> float | None:
        """Points short of the next level up (None at the core, or without a level)."""
        if self.level is None:
            return None
        t = self.thresholds
        steps = {"peripheral": t.occasional_score, "transactional": t.occasional_score,
                 "occasional": t.active_score, "active": t.core_score}
        target = steps.get(self.level.level)
        return None if target is None else max(0.0, target - self.level.score)


def thresholds_of(community) -> Thresholds:
    """The community's tuned thresholds, or the documented defaults."""
    return Thresholds.of(LevelRules.objects.filter(community=community).first())


def reference(community, as_of_value=None) -> tuple[AsOf, bool]:
    """The date levels are read as of (as_of.reference; raises as_of.BadDate), and whether the
    stored levels are those of that date."""
    figures = (CommunityFigures.objects.filter(community=community)
               .only("computed_at", "imported_history").first())
    when = as_of.reference(community, as_of_value, figures=figures)
    return when, when.reads_stored(figures.computed_at if figures else None)


def levels_then(community, when: AsOf) -> dict[int, MemberLevel]:
    """Everyone's level as of a date the job did not store (unsaved rows; `since` unknown),
    computed from the activity log and cached under that date until the community changes."""
    from cultivate.insights.levels import STORED, levels_at

    values = cached("insights-levels-as-of", community.pk, when.day.isoformat(),
                    scopes=(community_scope(community.pk),),
                    compute=lambda: levels_at(community.pk, when.moment))
    return {user: MemberLevel(community=community, user_id=user, since=None,
                              computed_at=when.moment, **dict(zip(STORED, row, strict=True)))
            for user, row in values.items()}


def explain(user, community, as_of_value=None) -> Explained:
    when, stored = reference(community, as_of_value)
    if stored:
        level = MemberLevel.objects.filter(community=community, user=user).first()
        changes = LevelChange.objects.filter(community=community, user=user)
    else:
        level = levels_then(community, when).get(user.pk)
        changes = LevelChange.objects.filter(community=community, user=user,
                                             changed_at__lt=when.moment)
    counts = level.counts if level else {}
    contributions = [{"kind": kind, "label": str(KIND_LABELS[kind]), "count": counts.get(kind, 0),
                      "weight": weight, "points": weight * counts.get(kind, 0)}
                     for kind, (weight, _verbs) in KINDS.items()]
    history = list(changes[:12])
    role = Membership.objects.filter(community=community, user=user).values_list(
        "role", flat=True).first()
    return Explained(level, thresholds_of(community), contributions, history, role, when)


def level_descriptions() -> list[tuple[str, str, str]]:
    """(level, its name, what people at that level do), from the core outwards."""
    return [(level.value, str(level.label), str(text))
            for level, text in LEVEL_DESCRIPTIONS.items()]


def levels_of_members(community, when: AsOf | None = None, *, stored: bool = True):
    """Everyone's level, from the core outwards: the stored ones, or (`stored` False) those as
    of `when`, as a list."""
    if not stored:
        rows = levels_then(community, when)
        users = get_user_model().objects.in_bulk(list(rows))
        found = [row for user, row in rows.items() if user in users]
        for row in found:
            row.user = users[row.user_id]
        return sorted(found, key=lambda row: (LEVEL_ORDER.index(row.level), -row.score,
                                              row.user.username))
    rank = Case(*(When(level=level, then=Value(n)) for n, level in enumerate(LEVEL_ORDER)),
                output_field=IntegerField())
    return (MemberLevel.objects.filter(community=community).select_related("user")
            .order_by(rank, "-score", "user__username"))

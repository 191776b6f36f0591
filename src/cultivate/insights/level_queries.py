"""What a person may learn about levels: their own with the reasons, and (for those who see the
dashboard) everyone's."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from cultivate.communities.models import Membership
from cultivate.insights.models import LEVEL_ORDER, LevelChange, LevelRules, MemberLevel
from cultivate.insights.rules import KIND_LABELS, KINDS, LEVEL_DESCRIPTIONS, Thresholds


@dataclass
class Explained:
    level: MemberLevel | None
    thresholds: Thresholds
    contributions: list[dict]  # kind, label, count, weight, points
    history: list[LevelChange]
    role: str | None

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


def explain(user, community) -> Explained:
    level = MemberLevel.objects.filter(community=community, user=user).first()
    counts = level.counts if level else {}
    contributions = [{"kind": kind, "label": str(KIND_LABELS[kind]), "count": counts.get(kind, 0),
                      "weight": weight, "points": weight * counts.get(kind, 0)}
                     for kind, (weight, _verbs) in KINDS.items()]
    history = list(LevelChange.objects.filter(community=community, user=user)[:12])
    role = Membership.objects.filter(community=community, user=user).values_list(
        "role", flat=True).first()
    return Explained(level, thresholds_of(community), contributions, history, role)


def level_descriptions() -> list[tuple[str, str, str]]:
    """(level, its name, what people at that level do), from the core outwards."""
    return [(level.value, str(level.label), str(text))
            for level, text in LEVEL_DESCRIPTIONS.items()]


def levels_of_members(community):
    """Everyone's level, from the core outwards."""
    rank = Case(*(When(level=level, then=Value(n)) for n, level in enumerate(LEVEL_ORDER)),
                output_field=IntegerField())
    return (MemberLevel.objects.filter(community=community).select_related("user")
            .order_by(rank, "-score", "user__username"))

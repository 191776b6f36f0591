"""Where each health signal turns from healthy to watch to at risk, and why.

Every threshold names its source: the framework's own proportions (Wenger, McDermott and
Snyder, *Cultivating Communities of Practice*, 2002; Wenger-Trayner's levels of participation;
the study of 57 communities behind the five failure reasons) or, where the framework gives no
number, our own choice, named as such. Conveners tune them per community (`HealthSettings`);
the defaults below apply where they have not. docs/health.md lists them for readers.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

HEALTHY, WATCH, AT_RISK, UNKNOWN = "healthy", "watch", "at_risk", "unknown"
VERDICTS = {HEALTHY: _("healthy"), WATCH: _("watch"), AT_RISK: _("at risk"),
            UNKNOWN: _("not enough data")}
VERDICT_ORDER = {AT_RISK: 0, WATCH: 1, UNKNOWN: 2, HEALTHY: 3}


@dataclass(frozen=True)
class Threshold:
    """`healthy` and `at_risk` bound the figure; `higher_is_better` says which way it points.
    A figure between the two is "watch"."""

    key: str
    label: str
    healthy: float
    at_risk: float
    higher_is_better: bool
    source: str
    unit: str = ""
    single: bool = False  # one number, not a pair (e.g. a number of weeks)

    def verdict(self, figure: float | None, healthy: float | None = None,
                at_risk: float | None = None) -> str:
        if figure is None:
            return UNKNOWN
        good = self.healthy if healthy is None else healthy
        bad = self.at_risk if at_risk is None else at_risk
        if self.higher_is_better:
            return HEALTHY if figure >= good else AT_RISK if figure < bad else WATCH
        return HEALTHY if figure <= good else AT_RISK if figure > bad else WATCH


FRAMEWORK = _("the framework's proportions")
OURS = _("our own choice")

THRESHOLDS = {t.key: t for t in (
    Threshold("core_share", _("core group, share of members (%)"), 10, 3, True,
              _("Wenger-Trayner: a core group of about 10-15% of members; below 3% we call it "
                "at risk (our own choice)"), "%"),
    Threshold("core_min_people", _("core group, fewest people"), 5, 2, True,
              _("'no core group' is the first failure reason; fewer than two people cannot "
                "share the work (our own choice)")),
    Threshold("core_energy", _("core group's active weeks, share of the window (%)"), 50, 25,
              True, _("an energised core group is regular, not one busy week (our own choice, "
                      "after the levels' rule of four active weeks)"), "%"),
    Threshold("event_gap_weeks", _("longest gap between events (weeks)"), 5, 10, False,
              _("a rhythm for the community (seventh principle); monthly with a slip is "
                "healthy, a quarter without is at risk (our own choice)")),
    Threshold("conversation_weeks", _("weeks with conversation, of the last 12 (%)"), 75, 40,
              True, _("rhythm week by week (our own choice)"), "%"),
    Threshold("newcomers_unconnected", _("newcomers with no tie after settling in (%)"), 50, 80,
              False, _("'weak one-to-one links' failure reason (our own choice of shares)"), "%"),
    Threshold("settle_weeks", _("weeks a newcomer has to make a first tie"), 6, 6, True,
              _("our own choice: about six weeks, the length of a typical onboarding"),
              single=True),
    Threshold("practice_share", _("practice in contributions (%)"), 35, 15, True,
              _("focus on practice, against 'intangible practice' (our own choice): answers, "
                "methods, stories and resources against chatter"), "%"),
    Threshold("inward_moves", _("people moving to a more central level, per 100 members"),
              2, 0.5, True, _("flows between levels are a sign of health (Wenger-Trayner); "
                              "shares are our own choice")),
    Threshold("newcomers_rising", _("newcomers of the past year now active or core (%)"), 5, 1,
              True, _("against 'rigid competence': newcomers can still get to the centre (our "
                      "own choice)"), "%"),
    Threshold("leaders", _("people who facilitate or answer"), 5, 2, True,
              _("internal leadership is distributed, not one person (our own choice)")),
    Threshold("top_leader_share", _("the busiest leader's share of that work (%)"), 40, 70,
              False, _("our own choice: more than two thirds on one person is fragile"), "%"),
    Threshold("pulse_score", _("pulse answers, average of 1-5"), 3.8, 2.8, True,
              _("our own choice: 'agree' on average is healthy, below 'neutral' at risk")),
)}

# Not tunable: fewer answers could point at a person.
PULSE_MIN_ANSWERS = 5


def effective(overrides: dict | None) -> dict[str, tuple[float, float]]:
    """Each threshold's (healthy, at_risk) after a community's overrides."""
    overrides = overrides or {}
    values = {}
    for key, threshold in THRESHOLDS.items():
        pair = overrides.get(key) or {}
        healthy = float(pair.get("healthy", threshold.healthy))
        at_risk = healthy if threshold.single else float(pair.get("at_risk", threshold.at_risk))
        values[key] = (healthy, at_risk)
    return values

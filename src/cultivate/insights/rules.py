"""The documented rules of the levels of participation (docs/insights.md).

Each kind of contribution has a weight; a person's score in a community is the weighted count of
their activity there over a rolling window (90 days by default). Thresholds, tunable per
community (`LevelRules`), turn scores into levels:

- core group: score >= core_score AND active in >= core_weeks distinct weeks of the window
  (an energised core is regular, not one busy week);
- active: score >= active_score;
- occasional: score >= occasional_score;
- transactional: someone who came for something specific: not a member but active there
  (a guest, someone who left), or a member who joined within the window and has only asked
  (questions, live questions) or only attended;
- peripheral: every other member, including those who only read (visits count a little) or
  have been quiet: a sustained, light connection, not a failure.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cultivate.activity.actions import Verb
from cultivate.insights.models import Level

# Kind of contribution -> (weight, verbs). Visits are counted once per person, community and day.
KINDS: dict[str, tuple[float, tuple[str, ...]]] = {
    "answering": (5, (Verb.ANSWER_POSTED,)),
    "sharing": (5, (Verb.STORY_TOLD, Verb.METHOD_CREATED, Verb.METHOD_EDITED,
                    Verb.RESOURCE_ADDED, Verb.PRACTITIONER_ADDED, Verb.APPLIED_RECORDED,
                    Verb.FOLLOW_UP_ANSWERED, Verb.VALUE_STORY_PUBLISHED,
                    Verb.EVENT_FEEDBACK_GIVEN)),
    "facilitating": (4, (Verb.EVENT_PLANNED, Verb.EVENT_OUTCOME_RECORDED, Verb.LIVE_HARVESTED,
                         Verb.TOPIC_MODERATED, Verb.FLAGS_RESOLVED, Verb.KEY_RESOURCES_CURATED,
                         Verb.JOIN_APPROVED, Verb.INVITATION_SENT, Verb.CHARTER_EDITED,
                         Verb.INDICATOR_VALUE_ENTERED)),
    "posting": (2, (Verb.TOPIC_STARTED, Verb.QUESTION_ASKED, Verb.POST_REPLIED,
                    Verb.STORY_COMMENTED, Verb.LIVE_QUESTION_ASKED, Verb.LIVE_COMMENTED,
                    Verb.POST_MARKED_HELPFUL, Verb.STEP_CORROBORATED)),
    "attending": (2, (Verb.LIVE_JOINED, Verb.EVENT_ATTENDED, Verb.EVENT_RSVP)),
    "reading": (0.5, (Verb.COMMUNITY_VISITED,)),
}
KIND_LABELS = {
    "answering": _("answering"), "sharing": _("sharing methods, stories and resources"),
    "facilitating": _("facilitating"), "posting": _("posting and asking"),
    "attending": _("attending events"), "reading": _("reading (days visited)"),
}
VERB_KIND = {verb: kind for kind, (_weight, verbs) in KINDS.items() for verb in verbs}
ASKING_VERBS = frozenset({Verb.QUESTION_ASKED, Verb.LIVE_QUESTION_ASKED})
TAKING_KINDS = frozenset({"attending", "reading"})


@dataclass(frozen=True)
class Thresholds:
    window_days: int = 90
    core_score: int = 40
    core_weeks: int = 4
    active_score: int = 12
    occasional_score: int = 3

    @classmethod
    def of(cls, rules) -> "Thresholds":
        if rules is None:
            return cls()
        return cls(rules.window_days, rules.core_score, rules.core_weeks, rules.active_score,
                   rules.occasional_score)


def score_of(counts: dict[str, int]) -> float:
    return sum(KINDS[kind][0] * n for kind, n in counts.items() if kind in KINDS)


def level_of(*, counts: dict[str, int], asked_only: bool, active_weeks: int, is_member: bool,
             joined_in_window: bool, t: Thresholds) -> str:
    """The level for one person in one community; `asked_only`: every posting was a question."""
    score = score_of(counts)
    if not is_member:
        return Level.TRANSACTIONAL
    if score >= t.core_score and active_weeks >= t.core_weeks:
        return Level.CORE
    if score >= t.active_score:
        return Level.ACTIVE
    giving = {k for k, n in counts.items() if n and k not in TAKING_KINDS}
    only_took = giving <= {"posting"} and (asked_only or not giving)
    if joined_in_window and only_took and counts:
        return Level.TRANSACTIONAL
    if score >= t.occasional_score:
        return Level.OCCASIONAL
    return Level.PERIPHERAL


# What people at each level typically do: shown to every member, never as a ranking.
LEVEL_DESCRIPTIONS = {
    Level.CORE: _("A small group that keeps the community going: they answer, share, facilitate "
                  "and show up week after week. Usually 10–15% of a community."),
    Level.ACTIVE: _("Recognised practitioners who take part regularly, though less than the "
                    "core group. Often another 15–20%."),
    Level.OCCASIONAL: _("People who join in when a topic concerns them, then step back. Most "
                        "communities have many of them."),
    Level.PERIPHERAL: _("A light but lasting connection: reading, learning, now and then a "
                        "word. Newcomers start here, and peripheral members learn more than "
                        "it looks."),
    Level.TRANSACTIONAL: _("People who come for something specific (an answer, a document, an "
                           "event) without staying. The community serves them too."),
}

"""Each success factor and failure reason as a signal: a verdict, the figure behind it, and the
learning formats that address it. `judge` turns one community's readings (readings.py) into
signals with its thresholds (thresholds.py); nothing here queries the database."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cultivate.health.thresholds import AT_RISK, HEALTHY, THRESHOLDS, UNKNOWN, VERDICT_ORDER, WATCH

SUCCESS = _("success factor")
FAILURE = _("failure reason")
PRINCIPLE = _("principle")


@dataclass(frozen=True)
class SignalKind:
    key: str
    name: str
    factor: str  # which of the framework's lists it reads
    factor_name: str
    formats: tuple[str, ...]  # catalogue slugs that address it, best first
    thresholds: tuple[str, ...]


SIGNALS = (
    SignalKind("core_group", _("A core group"), FAILURE, _("no core group"),
               ("learning-projects", "case-clinics", "joint-response"),
               ("core_share", "core_min_people")),
    SignalKind("core_energy", _("An energised core group"), SUCCESS,
               _("an energised core group"),
               ("hot-topic-discussions", "review-projects", "guests"), ("core_energy",)),
    SignalKind("rhythm_events", _("A rhythm of events"), SUCCESS, _("rhythm"),
               ("case-clinics", "help-desk", "reading-group"), ("event_gap_weeks",)),
    SignalKind("rhythm_conversation", _("Conversation week by week"), SUCCESS, _("rhythm"),
               ("hot-topic-discussions", "exchange-tips", "q-and-a"), ("conversation_weeks",)),
    SignalKind("one_to_one", _("One-to-one links"), FAILURE, _("weak one-to-one links"),
               ("peer-assist", "field-trips", "problem-solving"),
               ("newcomers_unconnected", "settle_weeks")),
    SignalKind("practice", _("Focus on practice"), FAILURE, _("intangible practice"),
               ("documenting-practice", "case-studies", "share-documents"), ("practice_share",)),
    SignalKind("movement", _("Movement between levels"), PRINCIPLE,
               _("invite different levels of participation"),
               ("demonstrations", "role-play", "practice-fairs"), ("inward_moves",)),
    SignalKind("open_competence", _("Room for newcomers at the centre"), FAILURE,
               _("rigid competence"),
               ("guests", "external-benchmarks", "boundary-collaboration"), ("newcomers_rising",)),
    SignalKind("leadership", _("Internal leadership"), SUCCESS, _("internal leadership"),
               ("follow-the-leader", "help-desk", "after-action-review"),
               ("leaders", "top_leader_share")),
    SignalKind("passion", _("Passion for the domain"), SUCCESS, _("passion for the domain"),
               ("explore-ideas", "story-circle", "hot-topic-discussions"), ("pulse_score",)),
    SignalKind("trust", _("Trust"), SUCCESS, _("trust"),
               ("story-circle", "peer-assist", "after-action-review"), ("pulse_score",)),
    SignalKind("identification", _("Identification with the community"), FAILURE,
               _("weak identification"), ("story-circle", "joint-events", "practice-fairs"),
               ("pulse_score",)),
    SignalKind("value_felt", _("Value felt by members"), SUCCESS, _("focus on value"),
               ("mutual-benchmarking", "case-clinics", "review-projects"), ("pulse_score",)),
)
BY_KEY = {kind.key: kind for kind in SIGNALS}
PULSE_SIGNALS = ("passion", "trust", "identification", "value_felt")


def worst(*verdicts: str) -> str:
    known = [v for v in verdicts if v != UNKNOWN]
    return min(known, key=VERDICT_ORDER.__getitem__) if known else UNKNOWN


def _verdict(key: str, figure, limits: dict) -> str:
    healthy, at_risk = limits[key]
    return THRESHOLDS[key].verdict(figure, healthy, at_risk)


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def judge(reading: dict, limits: dict) -> dict[str, tuple[str, float | None, dict]]:
    """key -> (verdict, figure, details) for one community."""
    judges = {"core_group": _core_group, "core_energy": _core_energy,
              "rhythm_events": _rhythm_events, "rhythm_conversation": _rhythm_conversation,
              "one_to_one": _one_to_one, "practice": _practice, "movement": _movement,
              "open_competence": _open_competence, "leadership": _leadership}
    signals = {key: judge_one(reading, limits) for key, judge_one in judges.items()}
    for key in PULSE_SIGNALS:
        signals[key] = _pulse(reading, limits, key)
    return signals


def _core_group(reading, limits):
    members = reading.get("members", 0)
    core = reading.get("levels", {}).get("core", 0)
    share = _percent(core, members)
    if not members:
        return UNKNOWN, None, {"core": 0, "members": 0}
    verdict = worst(_verdict("core_share", share, limits),
                    _verdict("core_min_people", core, limits))
    return verdict, share, {"core": core, "members": members}


def _core_energy(reading, limits):
    core = reading.get("levels", {}).get("core", 0)
    if not core:
        return UNKNOWN, None, {"core": 0}
    window_weeks = 90 / 7
    share = round(min(100.0, 100 * reading.get("core_active_weeks", 0) / window_weeks), 1)
    details = {"core": core, "core_before": reading.get("core_before"),
               "active_weeks": round(reading.get("core_active_weeks", 0), 1)}
    verdict = _verdict("core_energy", share, limits)
    before = reading.get("core_before")
    if verdict == HEALTHY and before and core < 0.75 * before:  # shrinking fast: watch it
        verdict = WATCH
    return verdict, share, details


def _rhythm_events(reading, limits):
    gap = reading.get("event_gap_weeks")
    details = {"events": reading.get("events_past", 0), "last": reading.get("last_event"),
               "next": reading.get("next_event")}
    verdict = _verdict("event_gap_weeks", gap, limits)
    if not details["events"] and not details["next"] and verdict == HEALTHY:
        verdict = UNKNOWN  # too young to have missed an event: no rhythm to read yet
    return verdict, gap, details


def _rhythm_conversation(reading, limits):
    weeks, of = reading.get("conversation_weeks", 0), reading.get("recent_weeks", 12)
    share = _percent(weeks, of)
    return _verdict("conversation_weeks", share, limits), share, {"weeks": weeks, "of": of}


def _one_to_one(reading, limits):
    settle = limits["settle_weeks"][0]
    settled = [tied for weeks, tied in reading.get("newcomer_weeks", ()) if weeks >= settle]
    unconnected = sum(1 for tied in settled if not tied)
    share = _percent(unconnected, len(settled))
    members, connected = reading.get("members", 0), reading.get("connected", 0)
    details = {"newcomers": len(settled), "unconnected": unconnected, "settle_weeks": settle,
               "density": reading.get("density", 0.0), "connected": connected,
               "without_tie": max(0, members - connected)}
    verdict = _verdict("newcomers_unconnected", share, limits)
    if verdict == UNKNOWN and members >= 10 and not connected:
        verdict = AT_RISK  # nobody new to judge by, and nobody has a tie at all
    return verdict, share, details


def _practice(reading, limits):
    kinds = reading.get("contributions", {})
    practice = sum(kinds.get(kind, 0) for kind in ("answering", "sharing"))
    total = practice + kinds.get("posting", 0)
    share = _percent(practice, total)
    return _verdict("practice_share", share, limits), share, {"practice": practice,
                                                              "all": total}


def _movement(reading, limits):
    members = reading.get("members", 0)
    inward, outward = reading.get("inward", 0), reading.get("outward", 0)
    rate = round(100 * inward / members, 2) if members else None
    return (_verdict("inward_moves", rate, limits), rate,
            {"inward": inward, "outward": outward, "members": members})


def _open_competence(reading, limits):
    newcomers, rising = reading.get("newcomers", 0), reading.get("newcomers_rising", 0)
    share = _percent(rising, newcomers) if newcomers >= 5 else None
    return (_verdict("newcomers_rising", share, limits), share,
            {"newcomers": newcomers, "rising": rising})


def _leadership(reading, limits):
    work = sorted(reading.get("leader_work", ()), reverse=True)
    leaders = len(work)
    top_share = _percent(work[0], sum(work)) if work and sum(work) else None
    verdict = worst(_verdict("leaders", leaders, limits),
                    _verdict("top_leader_share", top_share, limits))
    if not reading.get("members"):
        verdict = UNKNOWN
    return verdict, leaders, {"leaders": leaders, "top_share": top_share}


def _pulse(reading, limits, key):
    pulse = reading.get("pulse") or {}
    score = pulse.get(key)
    details = {"answers": pulse.get("answers", 0), "survey": pulse.get("survey"),
               "opened_at": pulse.get("opened_at")}
    return _verdict("pulse_score", score, limits), score, details

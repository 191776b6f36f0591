"""Which lifecycle stage the signals suggest, and what communities at each stage typically do
next (Wenger, McDermott and Snyder's stages of development). A suggestion only: the stage
moves when a steward moves it."""

from django.utils.translation import gettext_lazy as _

from cultivate.communities.models import Stage
from cultivate.health.thresholds import AT_RISK, HEALTHY

NEXT_STEPS = {
    Stage.POTENTIAL: _("Find the people who share the domain and interview them about their "
                       "problems; name the domain in a charter; gather a first core group and "
                       "hold a first event where people can meet."),
    Stage.COALESCING: _("Build trust with small, regular events where members solve real "
                        "problems together (case clinics, peer assists); make the first value "
                        "visible; start a shared library of what works."),
    Stage.MATURING: _("Set the boundaries and roles: who the community is for, who facilitates "
                      "what; organise the knowledge (methods, resources); take on a learning "
                      "agenda and a plan for the year with the sponsor."),
    Stage.STEWARDSHIP: _("Keep it fresh: invite guests and new members, renew the core group, "
                         "review the practice (after-action reviews, benchmarking) and tell "
                         "the value created in stories."),
    Stage.TRANSFORMATION: _("Decide openly what comes next: close with a harvest of what was "
                            "learned, merge with a neighbouring community, split, or become "
                            "part of the organisation's structures."),
}


def suggest(verdicts: dict[str, str], *, members: int, age_days: int) -> tuple[str, list[str]]:
    """(stage, reasons) from the signals' verdicts and two facts about the community."""
    core, rhythm = verdicts.get("core_group"), verdicts.get("rhythm_conversation")
    practice, events = verdicts.get("practice"), verdicts.get("rhythm_events")
    if members < 3 or (age_days < 90 and rhythm != HEALTHY):
        return Stage.POTENTIAL, [_("a new community, still finding its members and its "
                                   "conversation")]
    fading = [v for v in (core, rhythm, events) if v == AT_RISK]
    if age_days > 365 and len(fading) == 3:
        return Stage.TRANSFORMATION, [_("core group, conversation and events are all at "
                                        "risk in a community over a year old")]
    if core == HEALTHY and rhythm == HEALTHY and practice == HEALTHY:
        if age_days > 2 * 365:
            return Stage.STEWARDSHIP, [_("an established core group, a steady rhythm and a "
                                         "focus on practice for over two years")]
        return Stage.MATURING, [_("a core group, a steady rhythm and a focus on practice")]
    return Stage.COALESCING, [_("members meet and talk, but the core group, the rhythm or the "
                                "focus on practice is not yet established")]

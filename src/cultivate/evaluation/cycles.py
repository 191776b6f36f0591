"""The cycles of value creation (Wenger-Trayner), kept as data: the framework's later version
adds orienting, enabling and strategic value beside these five, and adding one is a new entry
here (and a migration for the choices), not new code."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Cycle:
    key: str
    label: Promise
    question: Promise  # what a story step in this cycle answers
    meaning: Promise  # one sentence for the glossary and the matrix's row header
    examples: tuple[Promise, ...]  # example indicators from the framework


CYCLES: tuple[Cycle, ...] = (
    Cycle("immediate", _("Immediate value"), _("What happened?"),
          _("The activities and interactions themselves were useful or enjoyable."),
          (_("attendance"), _("active members"), _("intensity and quality of discussion"),
           _("continuity"), _("enjoyment"))),
    Cycle("potential", _("Potential value"), _("What did it produce?"),
          _("Knowledge capital: skills, relationships, resources and reputation that may be "
            "used later."),
          (_("resources produced"), _("new connections"), _("hard problems raised"),
           _("retention"), _("initiatives"))),
    Cycle("applied", _("Applied value"), _("How was it used?"),
          _("Practice changed: tools, documents or advice were used in someone's work."),
          (_("tools and documents used"), _("advice implemented"),
           _("innovation in practice"))),
    Cycle("realized", _("Realized value"), _("What difference did it make?"),
          _("Performance improved in ways that matter to the people involved and to "
            "stakeholders."),
          (_("time saved"), _("costs avoided"), _("people reached"),
           _("personal and organisational performance"))),
    Cycle("reframing", _("Reframing value"), _("What did it change in how we think?"),
          _("Goals, criteria, strategies or relationships with stakeholders changed."),
          (_("new aspirations"), _("new criteria of success"),
           _("new relationships with stakeholders"), _("institutional change"))),
)

BY_KEY: dict[str, Cycle] = {cycle.key: cycle for cycle in CYCLES}
CYCLE_CHOICES = [(cycle.key, cycle.label) for cycle in CYCLES]
KEYS: tuple[str, ...] = tuple(cycle.key for cycle in CYCLES)


def position(key: str) -> int:
    """The cycle's place in the order stories walk through them (0 for immediate)."""
    return KEYS.index(key)

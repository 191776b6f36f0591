"""Demo indicators: custom ones with figures over the last four quarters (with their sources)
and targets on some computed ones, so the matrix and the report show trends and targets."""

from cultivate.communities.models import Community
from cultivate.evaluation.indicators import actions
from cultivate.evaluation.indicators.models import Indicator
from cultivate.evaluation.periods import current_quarter

CUSTOM = (
    ("budget-reform", "anahit", "james", {
        "name": "Ministries that adopted programme budgeting", "cycle": "reframing",
        "unit": "ministries", "aggregation": "latest", "target": "8", "target_period": "year",
        "description": "Counted each year in the network's survey of member ministries."},
     ("3", "4", "5", "6"), "PEMPAL annual survey of member ministries"),
    ("budget-reform", "aibek", "aibek", {
        "name": "Participants satisfied with the clinics", "cycle": "immediate",
        "unit": "% satisfied", "aggregation": "average", "target": "80",
        "description": "Share answering 4 or 5 of 5 in the evaluation form after each clinic."},
     ("72", "78", "84", "86"), "Clinic evaluation forms"),
    ("monitoring-evaluation", "amina", "hannah", {
        "name": "Evaluations with a management response", "cycle": "applied",
        "unit": "evaluations", "aggregation": "sum", "target": "10",
        "description": "Evaluations by members' agencies answered by management, as "
                       "reported by the members."},
     ("4", "6", "7", "9"), "Members' reports to the steering group"),
)
COMPUTED_TARGETS = (("budget-reform", "anahit", "applied", "5"),
                    ("budget-reform", "anahit", "active_members", "12"),
                    ("monitoring-evaluation", "amina", "differences", "3"))


def plant(people: dict) -> int:
    made = 0
    quarters = [current_quarter()]
    for _ in range(3):
        quarters.insert(0, quarters[0].previous())
    for slug, steward, enterer, definition, figures, source in CUSTOM:
        community = Community.objects.filter(slug=slug).first()
        if community is None or Indicator.objects.filter(community=community,
                                                         name=definition["name"]).exists():
            continue
        indicator = actions.do_define_indicator(actor=people[steward], community=community,
                                                values=definition)
        for quarter, value in zip(quarters, figures, strict=True):
            actions.do_enter_value(actor=people[enterer], community=community,
                                   indicator=indicator,
                                   values={"period": quarter.key, "value": value,
                                           "source": source})
        made += 1
    for slug, steward, key, target in COMPUTED_TARGETS:
        community = Community.objects.filter(slug=slug).first()
        if community and not Indicator.objects.filter(community=community, key=key).exists():
            actions.do_set_computed_target(actor=people[steward], community=community, key=key,
                                           target=target)
    return made

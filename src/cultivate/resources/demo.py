"""The demo's libraries: links to public references, and written guides the members made,
two of them picked as key resources in each community. Backdated to when they were added."""

from datetime import timedelta

from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.communities.models import Community, Membership, Role
from cultivate.resources import actions
from cultivate.resources.models import Resource

DEMO_ORDER = 25

# slug -> (adder, title, type, summary, url or "", body or "", days ago)
LIBRARIES = {
    "budget-reform": (
        ("elena", "PEFA framework for assessing public financial management", "guide",
         "The 31 indicators most reform plans are measured against.",
         "https://www.pefa.org/resources/pefa-2016-framework", "", 350),
        ("aibek", "How we run a case clinic", "guide",
         "Our one-page guide for case givers and consultants.", "",
         "## Before\n\nThe case giver writes one page: the reform, what is stuck, the "
         "question.\n\n## During (75 minutes)\n\n1. The case (10)\n2. Clarifying questions "
         "(15)\n3. Consultants discuss while the case giver listens (30)\n4. The case giver "
         "says what she takes away (10)\n5. What we all learnt (10)\n", 300),
        ("james", "Public Investment Management Assessment (PIMA)", "toolkit",
         "The IMF's framework for the quality of public investment management.",
         "https://infrastructuregovern.imf.org/content/PIMA/Home/PimaTool.html", "", 230),
    ),
    "monitoring-evaluation": (
        ("priya", "Outcome harvesting", "guide", "The method, its steps and examples.",
         "https://www.betterevaluation.org/methods-approaches/approaches/outcome-harvesting",
         "", 310),
        ("amina", "Reporting a community of practice to donors", "template",
         "The table we send each quarter: stories first, then a few figures.", "",
         "| Cycle | What happened | Evidence |\n|---|---|---|\n| Immediate | ... | ... |\n"
         "| Applied | ... | ... |\n| Realized | ... | ... |\n", 140),
    ),
    "facilitators-network": (
        ("kwame", "Liberating Structures", "toolkit",
         "33 ways to include everyone in a meeting.", "https://www.liberatingstructures.com/",
         "", 330),
        ("siobhan", "Our peer assist checklist", "guide", "Before, during and after.", "",
         "- Send the context a day before\n- One clarifying question each\n- A visible timer\n"
         "- The host names three actions at the end\n", 260),
    ),
    "humanitarian-logistics": (
        ("rahul", "Pre-positioning checklist before the rainy season", "guide",
         "What to store, where and for how long.", "",
         "1. Last three seasons' distributions, plus a fifth\n2. Warehouses above flood "
         "level\n3. Agreements with transporters signed before the rains\n", 250),
        ("omar", "Logistics Cluster operational guide", "guide",
         "The reference for coordinating humanitarian logistics.",
         "https://log.logcluster.org/", "", 320),
    ),
    "horizons-learning-circle": (
        ("samuel", "After-action review in four questions", "template",
         "What did we expect, what happened, why, what next.", "",
         "1. What did we expect to happen?\n2. What actually happened?\n3. Why was there a "
         "difference?\n4. What will we do next time?\n", 190),
    ),
    "climate-adaptation": (
        ("rafael", "Community-based adaptation planning", "guide",
         "A step-by-step guide from a practitioners' network.",
         "https://www.careclimatechange.org/", "", 170),
    ),
    "public-internal-audit": (
        ("ardita", "IIA Global Internal Audit Standards", "guide",
         "The standards our certification group works from.",
         "https://www.theiia.org/en/standards/", "", 210),
        ("nodir", "Tracing a performance indicator to its source", "guide",
         "Three steps we use in performance audits.", "",
         "1. Pick three programs\n2. For each indicator, ask for the source data\n3. Recompute "
         "one figure yourself\n", 120),
    ),
}


def plant(people: dict) -> int:
    added = 0
    for slug, items in LIBRARIES.items():
        community = Community.objects.filter(slug=slug).first()
        if community is None or Resource.objects.filter(community=community).exists():
            continue
        made = [_add(community, people, *item) for item in items]
        added += len(made)
        curator = (Membership.objects.filter(community=community, role=Role.CONVENER)
                   .select_related("user").first())
        if curator is not None:
            actions.do_set_key_resources(actor=curator.user, community=community,
                                         resource_ids=[r.pk for r in made[:2]])
    return added


def _add(community, people, adder, title, kind, summary, url, body, days_ago) -> Resource:
    resource = actions.do_add_resource(
        actor=people[adder], community=community, form="link" if url else "guide", title=title,
        summary=summary, resource_type=kind, language="en", url=url, body=body)
    when = timezone.now() - timedelta(days=days_ago)
    Resource.objects.filter(pk=resource.pk).update(created_at=when)
    Activity.objects.filter(target_id=resource.pk, verb="resource.added",
                            community=community).update(occurred_at=when)
    return resource

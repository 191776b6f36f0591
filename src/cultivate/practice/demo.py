"""A few method pages for the demo landscape, written for it (seed-demo loads them)."""

from cultivate.communities.models import Community
from cultivate.practice import actions
from cultivate.practice.models import Method

METHODS = [
    {
        "community": "budget-reform", "author": "elena", "title": "Spending review clinic",
        "tags": ["budgeting", "case clinic"],
        "brief": "A ministry brings one spending review it is stuck on; three peers who ran "
                 "one recently work through it with them in ninety minutes.",
        "applications": "- Preparing a first spending review in a line ministry\n"
                        "- Choosing which programmes to review this year\n"
                        "- Turning review findings into budget ceilings",
        "description": "1. The presenting ministry writes one page: the programme, the "
                       "question it cannot answer, the data it has.\n"
                       "2. Peers ask clarifying questions only (20 minutes).\n"
                       "3. Peers discuss options while the presenters listen (40 minutes).\n"
                       "4. The presenters say what they will try and by when (15 minutes).\n"
                       "5. The facilitator posts the notes as a topic in the community.",
        "references": "See the community's resource library for the review template.",
        "story": {
            "author": "milica", "title": "Our first review ran out of data",
            "outcome": "mixed",
            "context": "A ministry of agriculture with five programmes and no unit costs.",
            "what_we_did": "We brought the fertiliser subsidy review to a clinic with peers "
                           "from Moldova and Armenia.",
            "what_happened": "The peers showed us how they estimated unit costs from "
                             "procurement records. The review finished, but two months late.",
            "differently": "Start the data request before the clinic, not after it.",
        },
        "practitioners": [("aibek", "Facilitated six clinics since 2022", True),
                          ("elena", "Ran our ministry's first review", True)],
    },
    {
        "community": "monitoring-evaluation", "author": "carlos",
        "title": "After-action review",
        "tags": ["evaluation", "reflection"],
        "brief": "Right after an activity, the team asks four questions: what should have "
                 "happened, what did happen, why there is a difference, what to do next time.",
        "applications": "- After a field mission\n- After a training week\n"
                        "- After a data collection round",
        "description": "Keep it short (30 to 45 minutes), within days of the activity, with "
                       "everyone who took part and nobody judging. Write the lessons where "
                       "the next team will look for them.",
        "references": "",
        "story": {
            "author": "priya", "title": "The survey round nobody wanted to review",
            "outcome": "failure",
            "context": "A household survey in three districts with a new tablet app.",
            "what_we_did": "We scheduled the review a month after fieldwork ended.",
            "what_happened": "Half the enumerators had left; the lessons came from memory "
                             "and were too vague to use.",
            "differently": "Hold the review on the last day of fieldwork, before people "
                           "scatter.",
        },
        "practitioners": [("carlos", "Use it after every mission", True),
                          ("thandiwe", "", False)],
    },
]


DEMO_ORDER = 30


def plant(people: dict) -> int:
    """Create the demo methods that are missing; returns how many were added."""
    added = 0
    for spec in METHODS:
        community = Community.objects.filter(slug=spec["community"]).first()
        if community is None or Method.objects.filter(title=spec["title"]).exists():
            continue
        fields = {key: spec[key] for key in ("title", "tags", "brief", "applications",
                                              "description", "references")}
        method = actions.do_create_method(actor=people[spec["author"]], community=community,
                                          **fields)
        story = dict(spec["story"])
        actions.do_tell_story(actor=people[story.pop("author")], method=method, **story)
        for username, note, willing in spec["practitioners"]:
            actions.do_set_practitioner(actor=people[username], method=method, uses=True,
                                        note=note, willing_to_share=willing)
        added += 1
    return added

"""The demo's conversations: a year of questions, answers and discussions in every community,
with replies by several people, accepted answers, helpful marks and one question still
waiting. Fictional people, plausible practice. Backdated, so levels and charts have a history."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.conversations import actions
from cultivate.conversations.models import Topic

DEMO_ORDER = 20


@dataclass(frozen=True)
class Thread:
    author: str
    title: str
    body: str
    days_ago: int
    kind: str = "question"
    tags: tuple[str, ...] = ()
    # (author, text, days after the opening post)
    replies: tuple[tuple, ...] = ()
    accepted: int | None = None  # index of the accepted reply
    helpful: tuple[tuple[str, int], ...] = field(default=())  # (who, reply index)
    language: str = ""  # the opening post's; replies may add theirs as a fourth element


THREADS = {
    "budget-reform": (
        Thread("milica", "How did you phase program budgeting in across line ministries?",
               "We are moving five line ministries to **program budgets** next year. Did you "
               "start with pilots or go for all ministries at once? What would you do "
               "differently?", 330, tags=("program budgeting",),
               replies=(("elena", "Pilots, with two volunteers. The ministries that asked to be "
                         "first carried the others: their finance directors became our best "
                         "trainers.", 2),
                        ("aigerim", "We did all at once and spent a year cleaning up program "
                         "structures. Start with the chart of accounts mapping.", 3),
                        ("anahit", "Both answers match what the clinic heard in March: pilot, "
                         "but fix the classification first.", 5)),
               accepted=0, helpful=(("tamar", 0), ("fatima", 0), ("milica", 1))),
        Thread("tamar", "Capital budgeting: who appraises projects before they enter the budget?",
               "Our ministry of finance has no appraisal unit. Line ministries send projects "
               "with their own cost-benefit numbers. Who checks them in your country?", 240,
               tags=("capital budgeting", "PFM"),
               replies=(("elena", "A small gateway team in the ministry of finance, three "
                         "economists. They return about a third of the projects.", 1),
                        ("james", "The PIMA assessments show the gateway is the cheapest reform "
                         "with the biggest effect. Happy to share the note.", 4)),
               accepted=0, helpful=(("aigerim", 0),)),
        Thread("aibek", "Clinic notes: spending reviews in a crisis year", "Notes from last "
               "week's case clinic are in the event page. Three things stood out: start small, "
               "publish the terms of reference, and agree early who decides.", 120,
               kind="discussion", tags=("spending review",),
               replies=(("milica", "Thanks Aibek. The point about publishing the terms of "
                         "reference helped me argue for it at home.", 1),)),
        Thread("fatima", "Training material on medium-term budget frameworks in Russian?",
               "Our institute teaches budget officers from Central Asia. Is there good "
               "material on MTBFs in Russian that we may reuse?", 9, tags=("training",)),
        # The community works in English and Russian: posts carry their language.
        Thread("aigerim", "Глоссарий: программный бюджет и среднесрочные рамки",
               "Собираю русские и английские термины, которые мы используем на клиниках: "
               "*программный бюджет*, *среднесрочная бюджетная рамка*, *обзор расходов*. "
               "Добавляйте свои варианты перевода.", 40, kind="discussion",
               tags=("training",), language="ru",
               replies=(("elena", "Thank you! We say *spending review* for «обзор расходов»; "
                         "«анализ расходов» also appears in older laws.", 2, "en"),
                        ("aibek", "Добавлю «бюджетная классификация» — её путают с планом "
                         "счетов.", 3, "ru"))),
    ),
    "monitoring-evaluation": (
        Thread("lucas", "Outcome harvesting with partners who never wrote an outcome before",
               "We want to try outcome harvesting with ten small partners. How did you prepare "
               "people to write outcome statements?", 300, tags=("outcome harvesting",),
               replies=(("priya", "Two rounds: first we wrote three outcomes together in a "
                         "workshop, then each partner wrote their own and we gave feedback.", 2),
                        ("carlos", "Give them examples from their own sector. Generic examples "
                         "made our partners write activities, not changes.", 2),
                        ("thandiwe", "And keep the substantiation light at first.", 6)),
               accepted=0, helpful=(("lan", 0), ("sofia", 1), ("lucas", 1))),
        Thread("lan", "Indicators for a community of practice: what do you report to donors?",
               "Our donor asks for indicators of our practitioner network. Counting members "
               "feels empty. What do you report?", 150, tags=("indicators",),
               replies=(("amina", "We report value-creation stories next to a few numbers: "
                         "questions answered, practices applied, and one realized-value story "
                         "per quarter.", 1),
                        ("hannah", "As a funder I read the stories first. Numbers without them "
                         "tell me little.", 3)),
               accepted=0, helpful=(("grace", 0), ("kwame", 0))),
        Thread("samuel", "Theory of change templates: one page or five?", "Which do you use with "
               "partners, and why?", 60, kind="discussion", tags=("theory of change",),
               replies=(("rafael", "One page, and the assumptions on the back.", 1),
                        ("sofia", "One page for the board, five for the team.", 2))),
    ),
    "facilitators-network": (
        Thread("yuki", "Keeping a virtual peer assist to 90 minutes", "Our peer assists run "
               "over every time. How do you keep the questions round short?", 280,
               tags=("peer assist", "online"),
               replies=(("kwame", "Ask the host to send the context a day before and limit "
                         "clarifying questions to one each.", 1),
                        ("siobhan", "A visible timer and a co-facilitator who keeps time.", 1)),
               accepted=0, helpful=(("meera", 0), ("carlos", 1))),
        Thread("grace", "Energisers that work across languages", "Mixed English, French and "
               "Spanish groups on Zoom: which energisers work without long instructions?", 100,
               kind="discussion", tags=("online",),
               replies=(("beatriz", "Show, do not tell: a one-word check-in in your own "
                         "language.", 1),
                        ("sofia", "Drawing prompts work well.", 2),
                        ("samuel", "Object from your desk and why it matters.", 4))),
        Thread("meera", "Harvesting a World Café when half the group is online", "How do you "
               "bring the online tables' insights into the room?", 20, tags=("world café",)),
    ),
    "humanitarian-logistics": (
        Thread("mariajose", "Pre-positioning before the rains: how much stock?", "How do you "
               "decide how much to pre-position before the rainy season?", 260,
               tags=("pre-positioning",),
               replies=(("rahul", "We start from the last three seasons' distributions and add "
                         "a fifth. The checklist in our library walks through it.", 1),
                        ("tenzin", "In the hills we store for the first two weeks only: roads "
                         "open again by then.", 3)),
               accepted=0, helpful=(("ahmed", 0), ("omar", 1))),
        Thread("ahmed", "Last-mile cash and voucher distributions with no network coverage",
               "How do you verify vouchers offline?", 130, tags=("last mile", "cash"),
               replies=(("pierre", "Printed lists with QR codes, synced when back in range.", 2),
                        ("grace", "We ran the peer assist on this in May: notes on the event "
                         "page.", 5)),
               accepted=0),
        Thread("omar", "Fleet maintenance schedules in the field", "Share your schedules: we "
               "will collect them in the library.", 45, kind="discussion", tags=("fleet",),
               replies=(("pierre", "Ours is in the library now.", 3),)),
    ),
    "horizons-learning-circle": (
        Thread("jonas", "Writing an after-action review people actually read", "Our AARs end "
               "up in a drawer. How do you make them short and useful?", 200,
               tags=("after-action review",),
               replies=(("samuel", "Four questions, one page, and the three actions at the top.",
                         1),
                        ("meera", "Read it aloud at the next team meeting.", 2)),
               accepted=0, helpful=(("tenzin", 0), ("ayesha", 0))),
        Thread("tenzin", "Monsoon response review: what we learnt", "Sharing our review; "
               "comments welcome.", 70, kind="discussion",
               replies=(("ahmed", "The part on community volunteers matches Somalia.", 2),)),
    ),
    "climate-adaptation": (
        Thread("ayesha", "Community-based adaptation plans: who signs them?", "Should the "
               "village council sign the plan, or is a community meeting enough?", 180,
               tags=("CBA",),
               replies=(("rafael", "The council, after a public meeting: it makes the plan "
                         "count when budgets are made.", 1),
                        ("thandiwe", "In our districts the plan goes into the district budget "
                         "only when the council signed it.", 2)),
               accepted=1, helpful=(("lan", 1),)),
        Thread("lan", "Climate tagging of the budget: a first step?", "Is climate tagging of "
               "expenditure a reasonable first step for a small ministry?", 15,
               tags=("climate budget tagging",)),
    ),
    "public-internal-audit": (
        Thread("marek", "Auditing performance information", "Has anyone audited performance "
               "indicators in program budgets? Where did you start?", 220,
               tags=("performance audit",),
               replies=(("ardita", "With the data sources: half of the indicators had none.",
                         2),
                        ("nodir", "Sample three programs and trace the indicator to its "
                         "source.", 3)),
               accepted=0, helpful=(("milica", 0), ("elena", 1))),
        Thread("elena", "IT audit guide: first draft for comments", "The first draft of the IT "
               "audit guide is ready; please comment by the end of the month.", 40,
               kind="discussion", tags=("IT audit",),
               replies=(("sanja", "Thank you Elena, comments coming this week.", 1),
                        ("ardita", "Section 3 could use an example.", 4))),
    ),
}


def plant(people: dict) -> int:
    added = 0
    for slug, threads in THREADS.items():
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            continue
        for thread in threads:
            if not Topic.objects.filter(community=community, title=thread.title).exists():
                _start(community, thread, people)
                added += 1
    return added


def _start(community, thread: Thread, people: dict) -> None:
    opened = timezone.now() - timedelta(days=thread.days_ago, hours=3)
    topic = actions.do_start_topic(actor=people[thread.author], community=community,
                                   kind=thread.kind, title=thread.title, body=thread.body,
                                   tags=thread.tags, occurred_at=opened,
                                   language=thread.language)
    replies = [actions.do_reply(actor=people[author], topic=topic, body=text,
                                occurred_at=opened + timedelta(days=after, hours=2 + n),
                                language=language[0] if language else "")
               for n, (author, text, after, *language) in enumerate(thread.replies)]
    for who, index in thread.helpful:
        actions.do_mark_helpful(actor=people[who], post=replies[index])
    if thread.accepted is not None:
        answer = replies[thread.accepted]
        actions.do_accept_answer(actor=people[thread.author], topic=topic, post=answer,
                                 occurred_at=answer.created_at + timedelta(hours=5))

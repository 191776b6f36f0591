"""The demo landscape: invented people and communities of practice for trials and workshops.

Every person and organisation-person pairing is fictional. Accounts live at the reserved
`.invalid` domain so no demo mail can reach anyone.
"""

from dataclasses import dataclass

DEMO_DOMAIN = "demo.cultivate.invalid"
DEMO_PASSWORD = "cultivate-demo"  # noqa: S105 - published on purpose: it is the demo login
ADMIN_USERNAME = "admin"
ADMIN_DISPLAY_NAME = "Landscape admin"

# One demo account per role, named in the command's summary and used by the tests.
SHOWCASE = {"convener": "anahit", "facilitator": "aibek", "member": "milica", "sponsor": "james"}


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    organisation: str
    location: str
    time_zone: str
    languages: tuple[str, ...]
    expertise: tuple[str, ...]
    bio: str

    def profile(self) -> dict:
        return {
            "display_name": self.display_name, "organisation": self.organisation,
            "location": self.location, "time_zone": self.time_zone,
            "languages": list(self.languages), "expertise": list(self.expertise),
            "bio": self.bio,
        }


@dataclass(frozen=True)
class Seat:
    """A member and their role; `note` is their join request or the invitation's message."""

    username: str
    role: str = "member"
    note: str = ""


@dataclass(frozen=True)
class Request:
    """A join request left for the stewards; declined when `declined_because` is given."""

    username: str
    message: str
    declined_because: str = ""


@dataclass(frozen=True)
class Invite:
    """An open invitation to someone who has no account yet."""

    local_part: str
    role: str = "member"
    message: str = ""


@dataclass(frozen=True)
class CommunitySpec:
    slug: str
    name: str
    tagline: str
    kind: str
    stage: str
    visibility: str
    join_policy: str
    tags: tuple[str, ...]
    charter_domain: str
    charter_community: str
    charter_practice: str
    case_why: str
    case_what: str
    case_how: str
    # The first seat is the founding convener, who creates the community.
    seats: tuple[Seat, ...]
    requests: tuple[Request, ...] = ()
    invitations: tuple[Invite, ...] = ()
    # The languages members write in, the main one first (docs/translation.md).
    languages: tuple[str, ...] = ("en",)

    def fields(self) -> dict:
        names = ("slug", "name", "tagline", "kind", "stage", "visibility", "join_policy",
                 "charter_domain", "charter_community", "charter_practice",
                 "case_why", "case_what", "case_how")
        return {name: getattr(self, name) for name in names} | {"languages": list(self.languages)}


PEOPLE = (
    # Finance ministries: budget and internal audit
    Person("anahit", "Anahit Grigoryan", "Ministry of Finance, Armenia", "Yerevan",
           "Asia/Yerevan", ("Armenian", "Russian", "English"),
           ("program budgeting", "medium-term budget frameworks", "budget reform"),
           "Head of the budget methodology department. Led the move to program budgeting "
           "and now worries mostly about making performance information *used*."),
    Person("aibek", "Aibek Dzhumabaev", "Ministry of Finance, Kyrgyz Republic", "Bishkek",
           "Asia/Bishkek", ("Kyrgyz", "Russian", "English"),
           ("budget literacy", "citizen budgets", "facilitation"),
           "Budget analyst who ended up facilitating peer learning. Runs the budget "
           "literacy working group and the community's online clinics."),
    Person("elena", "Elena Popescu", "Ministry of Finance, Moldova", "Chișinău",
           "Europe/Chisinau", ("Romanian", "Russian", "English"),
           ("spending reviews", "fiscal transparency", "budget reform"),
           "Deputy head of the budget synthesis division. Ran Moldova's first spending "
           "review and is happy to share the template, warts and all."),
    Person("milica", "Milica Jovanović", "Ministry of Finance, Serbia", "Belgrade",
           "Europe/Belgrade", ("Serbian", "English"),
           ("program budgeting", "gender budgeting", "internal control"),
           "Works on program structure and gender-responsive budgeting for line ministries."),
    Person("tamar", "Tamar Beridze", "Ministry of Finance, Georgia", "Tbilisi",
           "Asia/Tbilisi", ("Georgian", "Russian", "English"),
           ("capital budgeting", "public investment management"),
           "Public investment specialist: project appraisal, selection and the capital "
           "budget."),
    Person("olena", "Olena Kovalenko", "Ministry of Finance, Ukraine", "Kyiv",
           "Europe/Kyiv", ("Ukrainian", "English"),
           ("program budgeting", "performance budgeting", "recovery planning"),
           "Leads a small program budgeting team working on recovery spending."),
    Person("aigerim", "Aigerim Seitkali", "Ministry of Finance, Kazakhstan", "Astana",
           "Asia/Almaty", ("Kazakh", "Russian", "English"),
           ("budget classification", "treasury systems", "IFMIS"),
           "Budget classification and chart of accounts; the person to ask when the "
           "treasury system and the budget disagree."),
    Person("james", "James Whitfield", "World Bank, Governance Global Practice",
           "Washington, DC", "America/New_York", ("English", "French"),
           ("public financial management", "PFM diagnostics", "institutional reform"),
           "Lead PFM specialist supporting regional peer-learning programmes for finance "
           "ministries."),
    Person("sanja", "Sanja Petrović", "Central Harmonisation Unit, Ministry of Finance, Croatia",
           "Zagreb", "Europe/Zagreb", ("Croatian", "English", "German"),
           ("internal audit", "quality assurance", "public internal financial control"),
           "Heads the unit that sets internal audit standards for the public sector."),
    Person("nodir", "Nodir Rakhimov", "Ministry of Economy and Finance, Uzbekistan",
           "Tashkent", "Asia/Tashkent", ("Uzbek", "Russian", "English"),
           ("internal audit", "risk-based audit", "training design"),
           "Internal auditor turned trainer; designs the certification course for public "
           "sector auditors."),
    Person("ardita", "Ardita Krasniqi", "Ministry of Finance and Economy, Albania", "Tirana",
           "Europe/Tirane", ("Albanian", "English", "Italian"),
           ("internal audit", "IT audit", "audit methodology"),
           "Audit methodologist with a soft spot for IT audit and data analytics."),
    Person("marek", "Marek Nowak", "Ministry of Finance, Poland", "Warsaw", "Europe/Warsaw",
           ("Polish", "English"), ("internal audit", "performance budgeting"),
           "Audits performance information in the budget, which puts him between two "
           "communities."),
    Person("fatima", "Fatima Zahra Benali", "Ministry of Economy and Finance, Morocco", "Rabat",
           "Africa/Casablanca", ("Arabic", "French", "English"),
           ("budget reform", "training of trainers", "workshop design"),
           "Runs the ministry's training institute and borrows facilitation methods "
           "wherever she finds them."),
    # Monitoring and evaluation
    Person("amina", "Amina Yusuf", "UNICEF Nigeria", "Abuja", "Africa/Lagos",
           ("English", "Hausa"), ("monitoring", "evaluation use", "theory of change"),
           "M&E specialist. Believes an indicator nobody uses is a cost, not a result."),
    Person("carlos", "Carlos Mendoza", "Ministry of Social Development, Chile", "Santiago",
           "America/Santiago", ("Spanish", "English"),
           ("impact evaluation", "administrative data", "facilitation"),
           "Evaluates social programmes with administrative data and runs the community's "
           "monthly clinics."),
    Person("priya", "Priya Raman", "Independent evaluator", "Chennai", "Asia/Kolkata",
           ("Tamil", "English", "Hindi"),
           ("developmental evaluation", "outcome harvesting", "qualitative methods"),
           "Fifteen years of evaluations for NGOs and foundations; mostly developmental "
           "evaluation and outcome harvesting these days."),
    Person("thandiwe", "Thandiwe Dlamini", "Department of Planning, Monitoring and Evaluation, "
           "South Africa", "Pretoria", "Africa/Johannesburg", ("English", "isiZulu"),
           ("national evaluation systems", "evaluation use", "climate adaptation"),
           "Works on the national evaluation system and the management responses that "
           "follow each evaluation."),
    Person("lucas", "Lucas Ferreira", "Ministry of Planning and Budget, Brazil", "Brasília",
           "America/Sao_Paulo", ("Portuguese", "Spanish", "English"),
           ("monitoring", "dashboards", "supply chain analytics"),
           "Builds monitoring dashboards for federal programmes."),
    Person("hannah", "Hannah Becker", "GIZ", "Bonn", "Europe/Berlin", ("German", "English"),
           ("results-based management", "climate adaptation", "capacity development"),
           "Programme manager funding peer-learning networks in evaluation and adaptation."),
    Person("lan", "Nguyễn Thị Lan", "UNDP Viet Nam", "Hanoi", "Asia/Ho_Chi_Minh",
           ("Vietnamese", "English"), ("monitoring", "climate adaptation", "resilience"),
           "Monitors climate resilience projects in the Mekong delta."),
    # Facilitation and learning
    Person("beatriz", "Beatriz Santos", "Independent facilitator", "Lisbon", "Europe/Lisbon",
           ("Portuguese", "English", "Spanish"),
           ("facilitation", "social learning", "value creation"),
           "Facilitates communities of practice and helps them tell the value they create."),
    Person("kwame", "Kwame Mensah", "International Training Centre of the ILO", "Turin",
           "Europe/Rome", ("English", "French", "Twi"),
           ("online facilitation", "learning design", "backchannel"),
           "Learning designer; experiments with backchannels and practice fairs in large "
           "events."),
    Person("sofia", "Sofía Herrera", "City Innovation Lab, Bogotá", "Bogotá", "America/Bogota",
           ("Spanish", "English"), ("design thinking", "workshop design", "public innovation"),
           "Designs co-creation workshops between city officials and residents."),
    Person("yuki", "Yuki Tanaka", "JICA Training Department", "Tokyo", "Asia/Tokyo",
           ("Japanese", "English"), ("training design", "field trips", "logistics"),
           "Organises study tours and field trips for visiting officials."),
    Person("siobhan", "Siobhán Byrne", "Irish Aid", "Dublin", "Europe/Dublin",
           ("English", "Irish", "French"), ("facilitation", "knowledge management"),
           "Learning adviser; hosts the agency's internal peer-learning sessions."),
    # Humanitarian logistics
    Person("omar", "Omar Haddad", "WFP, Logistics Cluster", "Amman", "Asia/Amman",
           ("Arabic", "English", "French"),
           ("humanitarian logistics", "emergency response", "customs clearance"),
           "Logistics officer with deployments in six emergencies; coordinates the "
           "cluster's preparedness work."),
    Person("grace", "Grace Achieng", "UNHCR Supply Service", "Nairobi", "Africa/Nairobi",
           ("English", "Swahili"), ("warehousing", "inventory management", "facilitation"),
           "Supply officer for refugee operations in East Africa; runs the exchange's peer "
           "assists."),
    Person("pierre", "Pierre Ndiaye", "IFRC, Africa Region", "Dakar", "Africa/Dakar",
           ("French", "Wolof", "English"), ("fleet management", "last-mile delivery"),
           "Fleet and transport coordinator for Red Cross and Red Crescent operations in "
           "the Sahel."),
    Person("rahul", "Rahul Mehta", "UNICEF Supply Division", "Copenhagen", "Europe/Copenhagen",
           ("English", "Hindi", "Danish"), ("procurement", "pre-positioning", "cold chain"),
           "Emergency supply planner: pre-positioning and cold chain for vaccines."),
    Person("mariajose", "María José Rojas", "Ecuadorian Red Cross", "Quito",
           "America/Guayaquil", ("Spanish", "English"),
           ("emergency response", "warehousing", "volunteer coordination"),
           "Coordinates relief logistics and the volunteers who make it work."),
    Person("ahmed", "Ahmed Farah", "Horizons International, Somalia", "Mogadishu",
           "Africa/Mogadishu", ("Somali", "Arabic", "English"),
           ("last-mile delivery", "cash transfers", "after-action review"),
           "Logistics and programme support in insecure areas; learning focal point for "
           "the Somalia office."),
    Person("ingrid", "Ingrid Larsen", "European Commission, DG ECHO", "Brussels",
           "Europe/Brussels", ("Norwegian", "English", "French"),
           ("humanitarian logistics", "humanitarian financing"),
           "Policy officer for humanitarian logistics and common services."),
    # Horizons International, an invented NGO federation
    Person("meera", "Meera Pillai", "Horizons International", "Geneva", "Europe/Zurich",
           ("English", "Malayalam", "French"),
           ("knowledge management", "social learning", "storytelling"),
           "Knowledge and learning lead. Convinced that a good after-action review beats "
           "a long report."),
    Person("samuel", "Samuel Otieno", "Horizons International, Kenya", "Kisumu",
           "Africa/Nairobi", ("English", "Swahili", "Dholuo"),
           ("after-action review", "peer coaching", "facilitation"),
           "Learning focal point for East Africa; coaches new focal points."),
    Person("claire", "Claire Dubois", "Horizons International", "Paris", "Europe/Paris",
           ("French", "English"), ("programme management", "organisational learning"),
           "Chief programme officer, sponsor of the learning circle since it began."),
    Person("jonas", "Jonas Lindqvist", "Horizons International", "Stockholm",
           "Europe/Stockholm", ("Swedish", "English"),
           ("knowledge management", "information architecture"),
           "Keeps the organisation's knowledge base usable; turns learning reviews into "
           "findable notes."),
    Person("tenzin", "Tenzin Dolma", "Horizons International, Nepal", "Kathmandu",
           "Asia/Kathmandu", ("Nepali", "Tibetan", "English"),
           ("disaster risk reduction", "community-based adaptation"),
           "Programme manager for community-based disaster risk reduction in the hills."),
    # Climate adaptation
    Person("mele", "Mele Tupou", "Department of Climate Change, Tonga", "Nukuʻalofa",
           "Pacific/Tongatapu", ("Tongan", "English"),
           ("climate adaptation", "national adaptation plans", "coastal resilience"),
           "Coordinates the national adaptation plan and the island councils' adaptation "
           "projects."),
    Person("rafael", "Rafael Quispe", "Ministry of Environment, Peru", "Lima", "America/Lima",
           ("Spanish", "Quechua", "English"),
           ("climate adaptation", "water management", "facilitation"),
           "Adaptation planner for high-Andean watersheds; facilitates the community's "
           "first conversations."),
    Person("ayesha", "Ayesha Rahman", "Horizons International, Bangladesh", "Khulna",
           "Asia/Dhaka", ("Bengali", "English"),
           ("cyclone preparedness", "locally led adaptation", "relief logistics"),
           "Works with coastal communities on cyclone shelters and locally led adaptation."),
)


BUDGET = CommunitySpec(
    slug="budget-reform",
    languages=("en", "ru"),
    name="Budget Reform Practitioners",
    tagline="Budget officers from finance ministries across Europe and Central Asia, "
            "learning from each other's reforms.",
    kind="community", stage="stewardship", visibility="public", join_policy="request",
    tags=("public finance", "budget reform", "PFM", "program budgeting",
          "fiscal transparency"),
    charter_domain=(
        "How ministries of finance plan, allocate and account for public money. Our questions "
        "are practical: how to move from line items to **program budgeting**, how to make a "
        "medium-term framework bind, how to open the budget to citizens without drowning them "
        "in tables."
    ),
    charter_community=(
        "Budget officers from some twenty ministries of finance in Europe and Central Asia. "
        "Members speak as practitioners, not as country delegates: what worked, what did not "
        "and why. Development partners take part as sponsors and invited guests."
    ),
    charter_practice=(
        "We run *case clinics* on a member's live reform, peer reviews of budget circulars, "
        "and a yearly plenary hosted by one ministry. Our shared repertoire is a library of "
        "reform stories, templates and a glossary in English and Russian, so that a country "
        "starting a reform does not start from zero."
    ),
    case_why=(
        "Budget reform is slow and lonely work inside one ministry. Here you meet people who "
        "have already tried what you are about to try, and your ministry gets a shortcut past "
        "their mistakes."
    ),
    case_what=(
        "- Peers in twenty ministries who answer within days\n"
        "- Working groups on program budgeting, budget literacy and spending reviews\n"
        "- A library of reform stories and templates\n"
        "- A shared capability: **reform designs that hold up in practice**"
    ),
    case_how=(
        "A core group of heads of budget departments agrees the yearly plan; facilitators run "
        "the online sessions. Bring a current problem to a case clinic, write up one of your "
        "reforms, or host a study visit."
    ),
    seats=(
        Seat("anahit", "convener"),
        Seat("aibek", "facilitator", "Aibek, would you facilitate the clinics this year?"),
        Seat("james", "sponsor", "James, we would value the Bank's view in the core group."),
        Seat("elena", "core", "Elena, your spending review story belongs in the core group."),
        Seat("milica", note="We are restructuring programs in five line ministries and would "
                            "like to learn from others who did it."),
        Seat("aigerim", note="Interested in how program budgets map to the chart of accounts."),
        Seat("tamar", note="I would like to join the working group on capital budgeting."),
        Seat("fatima", note="Our training institute teaches budget reform; we want to learn "
                            "from the practitioners themselves."),
    ),
    requests=(
        Request("olena", "I lead a small program budgeting team in Kyiv. We are redesigning "
                         "performance indicators for recovery spending and would like to "
                         "bring the design to a case clinic."),
        Request("marek", "I audit performance information in the budget and would like to "
                         "follow your working group on indicators."),
    ),
    invitations=(
        Invite("giorgi.maisuradze", message="Giorgi, you asked about spending reviews at the "
                                            "plenary: the working group meets on the 15th."),
    ),
)

MONITORING = CommunitySpec(
    slug="monitoring-evaluation",
    name="Monitoring & Evaluation Practitioners",
    tagline="Evaluators and M&E officers making evidence useful to the people who decide.",
    kind="community", stage="maturing", visibility="public", join_policy="open",
    tags=("monitoring", "evaluation", "theory of change", "indicators", "evaluation use"),
    charter_domain=(
        "Monitoring and evaluation that changes decisions. We care about indicators people "
        "collect honestly, theories of change that survive contact with reality, and reports "
        "someone reads. *Use*, not compliance, is the thread through what we discuss."
    ),
    charter_community=(
        "M&E officers in government planning units, UN agencies and NGOs, independent "
        "evaluators and a few researchers. Newcomers are welcome to listen first; many members "
        "started by asking one question at the help desk."
    ),
    charter_practice=(
        "A weekly **help desk**, monthly clinics where a member brings an evaluation design or "
        "a messy dataset, and a reading group on methods. Together we keep an open collection "
        "of indicator sheets, terms of reference and honest lessons from evaluations that went "
        "wrong."
    ),
    case_why=(
        "Most M&E officers are the only evaluator in their team. Here you find colleagues to "
        "test a design against before it reaches your director, and your organisation gets "
        "evaluations that are used."
    ),
    case_what=(
        "- A help desk that answers methods questions in plain language\n"
        "- Clinics on real designs, including yours\n"
        "- Shared templates: terms of reference, indicator sheets, management responses"
    ),
    case_how=(
        "Anyone working on M&E can join at once. Facilitators run the help desk and clinics; "
        "core members take turns hosting. Answer a question, share a template, or present an "
        "evaluation, failures included."
    ),
    seats=(
        Seat("amina", "convener"),
        Seat("carlos", "facilitator"),
        Seat("priya", "core"),
        Seat("thandiwe", "core"),
        Seat("hannah", "sponsor"),
        Seat("lucas"), Seat("lan"), Seat("samuel"), Seat("sofia"), Seat("kwame"),
        Seat("rafael"), Seat("grace"),
    ),
    invitations=(
        Invite("wanjiru.kamau", message="Wanjiru, your outcome harvesting work would be a "
                                        "great clinic topic."),
    ),
)

FACILITATORS = CommunitySpec(
    slug="facilitators-network",
    name="Learning Facilitators Network",
    tagline="People who design and host learning events, online and in the room, swapping "
            "methods and stories.",
    kind="network", stage="coalescing", visibility="public", join_policy="open",
    tags=("facilitation", "learning events", "backchannel", "workshop design",
          "online facilitation"),
    charter_domain=(
        "The craft of hosting conversations where people learn from each other: workshops, "
        "online sessions, peer assists, conferences with a backchannel. We are curious about "
        "formats more than topics."
    ),
    charter_community=(
        "Facilitators, trainers and learning officers from training centres, ministries, UN "
        "agencies and NGOs. It is a *network* rather than a community: people come for "
        "connections and a method that fits next week's event, not for a common project."
    ),
    charter_practice=(
        "Members post a design they are working on and get quick suggestions, trade short "
        "write-ups of formats (**fishbowl, open space, case clinic, practice fair**), and meet "
        "monthly to try a method on each other. Facilitators of other communities come here "
        "to borrow ideas."
    ),
    case_why=(
        "You design events alone, often at the last minute. The network gives you a sounding "
        "board and a stock of tested formats."
    ),
    case_what=(
        "- Connections to facilitators on every continent\n"
        "- A shared library of formats with how-to notes\n"
        "- Monthly *try it on us* sessions"
    ),
    case_how=(
        "Join at once, introduce yourself with one method you love, and ask for help with your "
        "next event. Anyone may offer to host a try-out session."
    ),
    seats=(
        Seat("beatriz", "convener"),
        Seat("kwame", "facilitator"),
        Seat("sofia", "core"),
        Seat("siobhan", "core"),
        Seat("yuki"), Seat("fatima"), Seat("carlos"), Seat("samuel"), Seat("aibek"),
        Seat("meera"), Seat("amina"), Seat("grace"),
    ),
    invitations=(
        Invite("li.wei", message="Li, come and show us the backchannel you ran in Kunming."),
    ),
)

LOGISTICS = CommunitySpec(
    slug="humanitarian-logistics",
    languages=("en", "fr", "ar"),
    name="Humanitarian Logistics Exchange",
    tagline="Logisticians in emergency operations sharing what moves supplies when roads, "
            "ports and systems fail.",
    kind="community", stage="maturing", visibility="listed", join_policy="request",
    tags=("humanitarian logistics", "supply chain", "emergency response", "warehousing",
          "last-mile delivery"),
    charter_domain=(
        "Getting relief supplies to people in emergencies: pre-positioning, customs clearance, "
        "fleets and warehouses, last-mile delivery in insecure or flooded areas. Our shared "
        "challenge is acting fast without losing track of a single item."
    ),
    charter_community=(
        "Logistics and supply officers from UN agencies, the Red Cross and Red Crescent "
        "movement and NGOs, most of them in field operations. Joining is on request because "
        "members discuss live operations and partners by name."
    ),
    charter_practice=(
        "**Peer assists** before a new deployment, after-action reviews we write up together, "
        "and shared checklists (customs waivers, temporary warehouses, cash for transport). "
        "During a large emergency the exchange runs a daily help desk for newly deployed "
        "logisticians."
    ),
    case_why=(
        "In a sudden-onset emergency, the person who solved your problem last year is in "
        "another agency and another country. Here you can reach them the same day."
    ),
    case_what=(
        "- Peer assists before deployment\n"
        "- Checklists and after-action reviews from real operations\n"
        "- Colleagues across agencies, which shortens response times"
    ),
    case_how=(
        "Ask to join with a line about your role; a facilitator answers within a few days. "
        "Contribute an after-action review, answer help-desk questions during a response, or "
        "join the core group that maintains the checklists."
    ),
    seats=(
        Seat("omar", "convener"),
        Seat("grace", "facilitator", "Grace, would you run the peer assists with me?"),
        Seat("ingrid", "sponsor", "Ingrid, ECHO's support made the checklists possible; "
                                  "please join us as a sponsor."),
        Seat("pierre", "core", "Pierre, we need your fleet experience in the core group."),
        Seat("rahul", "core", "Rahul, would you look after the pre-positioning checklist?"),
        Seat("mariajose", note="I coordinate relief logistics for the Ecuadorian Red Cross "
                               "and want to compare notes on flood response."),
        Seat("ahmed", note="Last-mile delivery in Somalia; happy to share what works with "
                           "cash for transport."),
        Seat("tenzin", note="We preposition stock in the hills before the monsoon and would "
                            "like to learn from others."),
    ),
    requests=(
        Request("ayesha", "I coordinate supplies for cyclone shelters on the Bangladesh coast "
                          "and would like to join the peer assists before the season."),
        Request("yuki", "I organise field trips for logistics officials and would like to "
                        "learn what your members find useful."),
        Request("lucas", "I build dashboards and would like to see how you track stock.",
                declined_because="Thank you, Lucas. The exchange is kept to field "
                                 "logisticians; the M&E community discusses dashboards and "
                                 "would welcome you."),
    ),
    invitations=(
        Invite("nadia.haidari", message="Nadia, your warehouse set-up in Herat is exactly the "
                                        "kind of story we collect."),
    ),
)

HORIZONS = CommunitySpec(
    slug="horizons-learning-circle",
    name="Horizons Learning Circle",
    tagline="Horizons International staff turning project experience into shared learning "
            "across country offices.",
    kind="community", stage="transformation", visibility="private", join_policy="invitation",
    tags=("knowledge management", "social learning", "after-action review", "storytelling",
          "organisational learning"),
    charter_domain=(
        "How a federation of country offices learns from its own projects. We care about "
        "after-action reviews that lead to change, stories of what happened rather than "
        "reports of what was planned, and learning that is part of the programme cycle "
        "instead of an extra task."
    ),
    charter_community=(
        "Staff of Horizons International: learning focal points in twelve country offices, "
        "programme managers and a few headquarters advisers. The circle is private so members "
        "can speak openly about projects, partners and internal decisions."
    ),
    charter_practice=(
        "Monthly learning reviews of a project that ended, a storytelling practice for "
        "*value-creation stories*, and peer coaching of new focal points. After eight years "
        "the circle is **transforming**: its methods are moving into the programme cycle and "
        "the circle is becoming a network of learning partners rather than a KM team."
    ),
    case_why=(
        "Your project's lessons are worth more when another country office can use them. The "
        "circle makes that happen and gives you the credit for it."
    ),
    case_what=(
        "- Learning reviews and peer coaching\n"
        "- Value-creation stories that show management and donors what changed\n"
        "- A say in how Horizons builds learning into its programme cycle"
    ),
    case_how=(
        "By invitation of the conveners, usually when you become a learning focal point. Host "
        "a learning review, write a story, or coach a newer focal point."
    ),
    seats=(
        Seat("meera", "convener"),
        Seat("claire", "sponsor", "Claire, as always: thank you for backing the circle."),
        Seat("samuel", "facilitator", "Samuel, would you keep facilitating the reviews?"),
        Seat("jonas", "core"),
        Seat("ahmed", note="Welcome, Ahmed: you are the Somalia focal point now."),
        Seat("tenzin", note="Tenzin, your monsoon review would be a great first story."),
        Seat("ayesha"),
    ),
    invitations=(
        Invite("ravi.shankar", "core", "Ravi, as the new focal point in India, join us in the "
                                       "core group."),
    ),
)

CLIMATE = CommunitySpec(
    slug="climate-adaptation",
    name="Climate Adaptation Practitioners",
    tagline="Practitioners planning adaptation with communities and governments, from atolls "
            "to the Andes.",
    kind="community", stage="potential", visibility="public", join_policy="open",
    tags=("climate adaptation", "resilience", "national adaptation plans",
          "locally led adaptation", "disaster risk reduction"),
    charter_domain=(
        "Turning national adaptation plans into work on the ground: locally led adaptation, "
        "climate risk in public investment, early warnings that reach the last village. We "
        "share the challenge of planning under uncertainty with little data and less money."
    ),
    charter_community=(
        "Government climate officers, practitioners in NGOs and UN programmes, and community "
        "organisers, starting with small island states, the Andes and South and Southeast "
        "Asia. We are still finding each other: the first task is to learn who is out there."
    ),
    charter_practice=(
        "For now: introductions, a map of who works on what, and a first series of **hot "
        "topic** conversations to test whether a shared practice is there. Members who want "
        "more will form the first working group."
    ),
    case_why=(
        "Adaptation is new work in most ministries, and its practices are being invented right "
        "now. Joining at the start means helping to shape them."
    ),
    case_what=(
        "- A map of practitioners and projects\n"
        "- Hot topic conversations with peers facing similar risks\n"
        "- A chance to form the first working group"
    ),
    case_how=(
        "Join at once and introduce yourself. We are in the *potential* stage: tell the "
        "conveners what you would want from this community."
    ),
    seats=(
        Seat("mele", "convener"),
        Seat("rafael", "facilitator"),
        Seat("hannah", "sponsor"),
        Seat("lan"), Seat("ayesha"), Seat("thandiwe"), Seat("tenzin"),
    ),
)

AUDIT = CommunitySpec(
    slug="public-internal-audit",
    name="Public Sector Internal Audit Community",
    tagline="Heads of internal audit and harmonisation units modernising audit in the public "
            "sector.",
    kind="community", stage="maturing", visibility="listed", join_policy="invitation",
    tags=("internal audit", "public sector", "risk management", "audit quality", "PFM"),
    charter_domain=(
        "Internal audit in public administrations: moving from inspection to risk-based audit, "
        "setting up quality assurance, and earning the trust of ministers and managers. We "
        "share the challenge of building a profession where it barely existed."
    ),
    charter_community=(
        "Heads of central harmonisation units and senior internal auditors from ministries of "
        "finance. Membership is by invitation so that discussion of audit findings stays "
        "confidential; members of the budget community join when audit and budgeting meet."
    ),
    charter_practice=(
        "Working groups write practical guides (risk assessment, IT audit, quality "
        "assessment), members run **peer reviews** of each other's audit units, and we "
        "translate key standards into members' languages."
    ),
    case_why=(
        "Internal audit units are small and often misunderstood. Here you find peers who have "
        "faced the same resistance, and guides your unit can adopt."
    ),
    case_what=(
        "- Peer reviews of audit units\n"
        "- Practical guides written by practitioners\n"
        "- Translated standards and training materials"
    ),
    case_how=(
        "Conveners invite heads of units and their deputies. Join a working group, offer your "
        "unit for a peer review, or help translate a guide."
    ),
    seats=(
        Seat("sanja", "convener"),
        Seat("nodir", "facilitator", "Nodir, would you facilitate the certification group?"),
        Seat("james", "sponsor"),
        Seat("ardita", "core", "Ardita, please lead the IT audit guide."),
        Seat("marek", note="Marek, your work on performance information links us to the "
                           "budget community."),
        Seat("milica"),
        Seat("elena"),
    ),
    invitations=(
        Invite("erlan.abdrakhmanov", message="Erlan, welcome to the community of your peers."),
    ),
)

COMMUNITIES = (BUDGET, MONITORING, FACILITATORS, LOGISTICS, HORIZONS, CLIMATE, AUDIT)

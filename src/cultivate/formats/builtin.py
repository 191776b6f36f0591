"""The formats that come with Cultivate, and the loader the data migrations use.

Written for Cultivate from the framing of seed 004 (learning activities "from and with" each
other, "informal to formal", "each other and outside sources"). Each entry is plain data;
`load_builtin_formats` writes them with whichever model classes it is given, so a migration can
pass its historical models and a test or command the current ones.
"""

from textwrap import dedent

from django.conf import settings
from django.utils import translation

from cultivate.core.markdown import render_markdown

MARKDOWN_FIELDS = ("description", "when_to_use", "steps", "roles", "outputs")


def _format(slug, name, *, summary, description, when, steps, roles, outputs, minutes,
            group, source, formality, purposes, related, note=""):
    return {
        "slug": slug, "name": name, "summary": summary,
        "description": dedent(description).strip(), "when_to_use": dedent(when).strip(),
        "steps": dedent(steps).strip(), "roles": dedent(roles).strip(),
        "outputs": dedent(outputs).strip(),
        "duration_min": minutes[0], "duration_max": minutes[1], "duration_note": note,
        "group_size_min": group[0], "group_size_max": group[1],
        "source": source, "formality": formality, "purposes": purposes, "related": related,
    }


FORMATS = [
    # --- Learning from and with each other (seed 004, first list) ---
    _format(
        "guests", "Guests",
        summary="A practitioner from outside the community joins an ordinary meeting as a peer "
                "and works on members' questions with them.",
        description="""
            A guest is not a keynote speaker. For one session they take part in the community's
            usual way of working (a clinic, a discussion, a visit) and bring the view of another
            organisation, country or discipline. Members test their habits against someone who
            does similar work differently, and the guest often becomes a bridge to another
            community.
        """,
        when="""
            - The same few people keep giving the same answers and the group needs a fresh angle.
            - Members face a problem another sector or region has already dealt with.
            - You want to get to know another community or organisation before doing anything
              bigger together.
            - In the stewardship stage, to keep a mature community from turning inward.
        """,
        steps="""
            1. In the core group, agree which question or gap the guest should help with and
               write it down in one or two sentences.
            2. Find the guest through members' networks: ask "who do you know who does this
               differently?" Look for someone who practises, not only someone who presents.
            3. Brief the guest: who the members are, the question, how the session runs, and
               that they are expected to join the conversation rather than lecture. Send a few
               recent topics so they arrive with context.
            4. Tell members who is coming and why, and ask each to prepare one question.
            5. In the session, the host introduces the guest with a short story of their work
               (about five minutes); then the community runs its usual format with the guest
               taking part as a peer.
            6. Keep the last ten minutes for the guest to say what surprised them about how the
               community works. This mirror is often the most useful part.
            7. Afterwards thank the guest, send them the notes and ask whether they would like to
               stay in touch, follow the community or introduce their own.
        """,
        roles="""
            - **Host** (convener or facilitator): chooses the question, invites and briefs the
              guest, introduces them.
            - **Guest**: a practitioner from elsewhere who takes part as a peer.
            - **Members**: prepare questions, bring real situations, treat the guest as a
              colleague.
            - **Note taker**: records the insights and the guest's closing reflections.
        """,
        outputs="""
            - Notes of the questions discussed and the guest's view of them.
            - Differences between the community's practice and the guest's that are worth
              exploring further.
            - A new connection to another organisation or community, sometimes a return visit.
        """,
        minutes=(60, 90), group=(5, 30), source="outside", formality=2,
        purposes=["keep_up", "synergy", "reflect"],
        related=["invite-speakers", "boundary-collaboration", "joint-events", "field-trips"],
    ),
    _format(
        "field-trips", "Field trips",
        summary="Members visit a place where the practice happens (a member's workplace, a "
                "project site, another organisation) and learn from seeing it in context.",
        description="""
            Much of a practice cannot be seen in a meeting room: how a clinic is laid out, how
            a team hands over a shift, what sits on a desk. A field trip takes a small group to
            see the work where it is done, guided by the people who do it, and leaves time
            afterwards to make sense of what they saw.
        """,
        when="""
            - Members describe their work to each other but keep misunderstanding each other's
              conditions.
            - Someone has made an approach work and others want to see it in daily use.
            - Before copying a practice, to check what makes it work where it is.
            - When travel is impossible, a guided video walk-through can stand in.
        """,
        steps="""
            1. Choose the site and the learning question with the host: what should visitors
               understand by the end of the day?
            2. Settle the practical side with the host: permission, safety rules,
               confidentiality, how many visitors the site can take, and what the hosts get out
               of it.
            3. Send visitors a short brief: the question, a background note on the site and an
               observation guide with three to five things to look out for.
            4. On site, the host gives a short orientation (about 15 minutes) and then walks the
               group through the work. Keep groups small enough for everyone to see and ask.
            5. Give visitors time with the people who do the work, not only with the managers.
            6. Close with a debrief away from the workplace: what did you see, what surprised
               you, what would and would not travel to your own setting?
            7. Write a short trip report (with photos where allowed) and share it with the
               community and the hosts.
        """,
        roles="""
            - **Host**: a member or partner who opens their site and explains the work.
            - **Organiser**: looks after the question, the permissions and the logistics.
            - **Visitors**: observe with the guide, ask questions, share reflections.
            - **Debrief facilitator**: leads the sense-making conversation at the end.
        """,
        outputs="""
            - A trip report with observations, photos and the conclusions of the debrief.
            - Ideas each visitor wants to try at home, and what they would have to adapt.
            - A stronger tie between the hosts and the visitors.
        """,
        minutes=(120, 480), note="Half a day to a full day on site plus travel; a debrief of "
                                 "30–60 minutes.",
        group=(3, 15), source="both", formality=3,
        purposes=["share_stories", "shared_understanding", "reflect"],
        related=["demonstrations", "practice-fairs", "guests", "follow-the-leader"],
    ),
    _format(
        "practice-fairs", "Practice fairs",
        summary="Members set up stands or short showcases of their projects and tools; everyone "
                "walks round, asks questions and makes connections.",
        description="""
            A practice fair is a market of practice. Instead of one speaker at a time, many
            members show what they do at once and the audience moves between them. It makes the
            breadth of the community visible, lowers the bar for quieter members to present and
            sparks many one-to-one connections in a short time.
        """,
        when="""
            - At a yearly gathering, or when the community has grown and members no longer know
              what the others work on.
            - To launch a community: potential members see there is practice worth sharing.
            - When you want many contributions rather than a few polished presentations.
            - Online, with one breakout room per stand and people free to move between them.
        """,
        steps="""
            1. Invite members to offer a stand: a project, tool, method or lesson, shown with a
               poster, a demo or an object. Keep the bar low: "something you do that others
               might use".
            2. Ask each presenter for a three-minute pitch, a one-page handout or link, and a
               line on what kind of feedback or partner they are looking for.
            3. Lay out the room (or the breakout rooms) so stands are easy to find, and publish
               a list or map in advance.
            4. Open with a round of 30-second teasers from every presenter so visitors can plan
               their route.
            5. Run two or three rounds of 20–30 minutes. Presenters take turns so they can visit
               other stands too.
            6. Give visitors an easy way to leave notes or contact requests at each stand: cards,
               a shared board, or a thread per stand.
            7. Close with a short plenary: which connections were made, which ideas will travel,
               which stands deserve a longer session later?
            8. Publish the handouts and notes in the community.
        """,
        roles="""
            - **Organiser**: recruits stands, arranges the space and the timing.
            - **Presenters**: show their practice and collect feedback.
            - **Visitors**: move around, ask questions, leave notes.
            - **Harvester**: gathers connections and ideas in the closing plenary.
        """,
        outputs="""
            - A collection of one-page descriptions of members' practices.
            - Contact requests, and new pairs or small groups that follow up.
            - Topics for later clinics, demonstrations or learning projects.
        """,
        minutes=(90, 240), note="Usually part of a larger gathering.",
        group=(15, 200), source="each_other", formality=3,
        purposes=["share_stories", "synergy", "innovate"],
        related=["demonstrations", "field-trips", "joint-events", "share-documents"],
    ),
    _format(
        "demonstrations", "Demonstrations",
        summary="A member shows, live and step by step, how they actually do a piece of work; "
                "the others ask questions and try it as they go.",
        description="""
            Watching someone work reveals the small moves that never make it into a manual: the
            shortcut in a spreadsheet, how they word a difficult question, what they check
            first. A demonstration puts one member's skill on show so that others can copy it,
            question it and improve it.
        """,
        when="""
            - A member has a technique others keep asking about.
            - A new tool or template has arrived and people need to see it in use.
            - Written guidance exists but people still do not know how to apply it.
            - As the live part of documenting practice: record it, write it up later.
        """,
        steps="""
            1. Pick one concrete task that can be shown in 10–20 minutes; resist touring
               everything.
            2. The demonstrator prepares a realistic example (real material with personal data
               removed) rather than a toy one.
            3. Start by saying what the task is for and where people usually get stuck.
            4. Demonstrate slowly and think aloud: say why each step is done, not only what is
               done.
            5. Pause at natural breaks for questions; the facilitator collects them from the
               room or the chat.
            6. Where possible, let participants try it on their own material for 10–15 minutes
               while the demonstrator and helpers go round.
            7. Close with a round of "what will you do differently?" and share the recording or
               a short written guide.
        """,
        roles="""
            - **Demonstrator**: a member who does the task well and is willing to think aloud.
            - **Facilitator**: keeps time, gathers questions, makes sure quieter people get to
              try.
            - **Participants**: watch, ask, try it on their own work.
            - **Recorder** (optional): captures the demonstration and the key steps.
        """,
        outputs="""
            - A recording or a step-by-step write-up of the technique.
            - Participants who have tried it at least once.
            - Improvements suggested by others, passed back to the demonstrator.
        """,
        minutes=(30, 90), group=(3, 40), source="each_other", formality=2,
        purposes=["share_stories", "reflect", "shared_understanding"],
        related=["documenting-practice", "training-and-workshops", "follow-the-leader",
                 "practice-fairs"],
    ),
    _format(
        "documenting-practice", "Documenting practice",
        summary="Members write down together how they do something (a guide, checklist, "
                "glossary or set of examples) so the community's know-how can be reused.",
        description="""
            A community's shared repertoire only reaches newcomers and other organisations once
            it is written down. Documenting practice turns conversations, cases and
            demonstrations into things the community owns: how-to guides, checklists,
            templates, collections of examples and lessons. Writing together is itself
            learning, because members have to agree what good practice is.
        """,
        when="""
            - The same question keeps coming up at the help desk or in conversations.
            - Experienced members are about to leave and their know-how would go with them.
            - The community is maturing and wants to show its sponsors something tangible.
            - Newcomers struggle because the practice lives only in people's heads.
        """,
        steps="""
            1. Choose one piece of practice to document and its readers (newcomers, other
               teams, sponsors?).
            2. Gather raw material: past threads, cases, recordings, existing documents, and
               short interviews with experienced members.
            3. Agree a simple structure (for example purpose, when to use, steps, pitfalls,
               examples) and a writing team of two to four people.
            4. Draft quickly and share early. Ask for comments on specific questions rather than
               for "feedback".
            5. Hold a review session in which practitioners test the draft against their own
               cases and mark what is missing or wrong.
            6. Revise, credit the contributors and publish it where members will find it; link
               it from the conversations it came from.
            7. Agree who keeps it up to date and when it will next be reviewed.
        """,
        roles="""
            - **Editor**: holds the pen, the structure and the schedule.
            - **Contributors**: bring cases, examples and know-how; comment on drafts.
            - **Reviewers**: practitioners who test the draft against real work.
            - **Steward**: keeps the document alive after publication.
        """,
        outputs="""
            - A guide, checklist, template, glossary or set of worked examples owned by the
              community.
            - An agreed view of what good practice looks like, with its known variations.
            - A review date and a named steward.
        """,
        minutes=(60, 120), note="Working sessions of 1–2 hours over 4–12 weeks.",
        group=(2, 12), source="each_other", formality=4,
        purposes=["shared_understanding", "reflect", "influence"],
        related=["case-studies", "demonstrations", "share-documents", "after-action-review"],
    ),
    _format(
        "case-studies", "Case studies",
        summary="A member's real project is written up as a case and the group analyses it to "
                "draw lessons that reach beyond the single story.",
        description="""
            A case study looks closely at a finished or well-advanced piece of work: the
            context, the decisions, what happened and why. Unlike a case clinic, the point is
            not to help the case owner now but to learn from the case as a community, and often
            to build a collection of cases that shows the range of the practice.
        """,
        when="""
            - A project has ended and holds lessons others could use.
            - The community wants to compare how one approach worked in different contexts.
            - You need material for welcoming newcomers or for showing value to sponsors.
        """,
        steps="""
            1. Select a case that matters to many members and whose owner is willing to be open
               about the difficulties.
            2. The owner writes a short case (two to four pages): context, challenge, what was
               done, results, open questions. A facilitator can interview them and draft it
               instead.
            3. Circulate the case a week ahead with two or three discussion questions.
            4. In the session, the owner introduces the case briefly and answers questions of
               clarification.
            5. Small groups analyse it: what made the difference, what would you have done,
               what does it say about our practice?
            6. Groups report back; the facilitator draws the lessons together, with the
               conditions under which they hold.
            7. Add the case and its lessons to the community's collection, tagged so it can be
               found.
        """,
        roles="""
            - **Case owner**: provides the case and answers questions honestly.
            - **Case writer** (may be the owner): drafts the written case.
            - **Facilitator**: frames the questions and pulls the lessons together.
            - **Participants**: read in advance and analyse.
        """,
        outputs="""
            - A written case with the community's analysis attached.
            - Lessons stated together with the conditions under which they apply.
            - A growing, searchable collection of cases.
        """,
        minutes=(60, 120), note="Plus one to two weeks to write the case.",
        group=(4, 25), source="each_other", formality=4,
        purposes=["reflect", "share_stories", "shared_understanding"],
        related=["case-clinics", "documenting-practice", "after-action-review",
                 "review-projects"],
    ),
    _format(
        "problem-solving", "Problem solving",
        summary="The community works through a problem many members share, from framing it to "
                "agreeing practical options to try.",
        description="""
            Some problems are not one member's case but common to many: a new rule everyone has
            to apply, a recurring failure in a shared process. A problem-solving session pools
            members' experience to understand the problem and produce options, which members
            then try in their own settings and report back on.
        """,
        when="""
            - Several members raise the same difficulty in conversations or at the help desk.
            - A change in the environment creates a problem nobody has solved yet.
            - The community wants to show it can produce concrete results, not only talk.
        """,
        steps="""
            1. State the problem in one sentence and check with members that it is shared and
               worth the time.
            2. Collect facts beforehand: a short poll or thread in which members describe how
               the problem shows up for them.
            3. In the session, first explore the problem without solutions: causes, who is
               affected, what has been tried (20–30 minutes).
            4. Generate options in small groups; ask each group for at least one option cheap
               enough to try next week.
            5. Weigh the options together against simple criteria (effect, effort, risk) and
               pick a few.
            6. Agree who will try which option where, and when the community will hear back.
            7. Follow up: collect the results in a thread and hold a short review.
        """,
        roles="""
            - **Problem owners**: the members who raised the problem and will try solutions.
            - **Facilitator**: stops the group from jumping to solutions too early and runs the
              process.
            - **Contributors**: bring experience, data and ideas.
            - **Note taker**: records options, decisions and commitments.
        """,
        outputs="""
            - A clear statement of the problem and its causes as members see them.
            - A short list of options with the reasons for choosing them.
            - Commitments to try options, and later a report of what worked.
        """,
        minutes=(60, 120), group=(4, 20), source="each_other", formality=3,
        purposes=["solve_problems", "innovate", "shared_understanding"],
        related=["case-clinics", "peer-assist", "joint-response", "learning-projects"],
    ),
    _format(
        "reading-group", "Reading group",
        summary="Members read the same text (an article, report or book chapter) and meet to "
                "discuss what it means for their practice.",
        description="""
            A reading group brings outside knowledge into the community in a form that is
            digested together. The text gives everyone a common reference; the conversation
            ties it to members' own experience. Over time the group builds a shared vocabulary
            and a sense of what research and policy say about its domain.
        """,
        when="""
            - New research, guidance or policy affects members' work and needs interpreting.
            - The community wants to strengthen the thinking behind its practice.
            - Members want a regular, low-effort rhythm of learning that does not depend on a
              speaker.
        """,
        steps="""
            1. Choose the text together. Keep it short enough that busy practitioners will
               really read it (under 30 pages).
            2. Announce it at least two weeks ahead with two or three questions to read for.
            3. Ask one member to introduce the text in five minutes: its main argument and why
               it was chosen.
            4. Discuss in rounds: what struck you, what do you disagree with, where does it
               match or contradict your experience?
            5. End with "so what for us?": each person names one idea to try or one question to
               follow up.
            6. Post a short summary with the key passages in the community and propose the next
               text.
        """,
        roles="""
            - **Group convener**: keeps the rhythm and the reading list.
            - **Introducer** (a different member each time): presents the text and opens the
              discussion.
            - **Readers**: read in advance and bring their experience.
        """,
        outputs="""
            - Short summaries of texts with the community's reactions.
            - A reading list chosen by practitioners for practitioners.
            - Questions for further inquiry, speakers to invite, or learning projects.
        """,
        minutes=(60, 90), note="Monthly or every few weeks.",
        group=(3, 15), source="both", formality=3,
        purposes=["keep_up", "shared_understanding", "reflect"],
        related=["systematic-scans", "point-to-resources", "invite-speakers", "explore-ideas"],
    ),
    _format(
        "joint-response", "Joint response",
        summary="The community produces one shared answer (a position, comments on a draft "
                "policy, recommendations) on behalf of its members.",
        description="""
            When a draft law, standard or strategy touches the domain, members answering one by
            one carry little weight. A joint response pools the practice of the whole community
            into one considered contribution. Agreeing the text makes members state where they
            agree and where their practice differs, and gives the community a voice beyond its
            own boundary.
        """,
        when="""
            - An organisation or government asks for comments on something that affects
              members' practice.
            - A crisis or a change calls for a coordinated answer from practitioners.
            - The community wants to be recognised by its sponsors and by decision makers.
        """,
        steps="""
            1. Confirm the mandate: who is asking, by when, and whether members may speak as a
               community (check with sponsors where needed).
            2. Share the material with a short template: key points, evidence from practice,
               recommendations.
            3. Collect members' input in a thread or shared document within a fixed window.
            4. A small drafting team groups the input, notes agreements and disagreements, and
               writes a draft.
            5. Hold a review session or an open comment round on the draft. Resolve
               disagreements, or record them openly in the text.
            6. Agree the final text with the core group, send it on time, and tell members
               exactly what was submitted.
            7. Follow what happens to the response and report back to the community.
        """,
        roles="""
            - **Coordinator**: holds the mandate and the deadline.
            - **Drafting team**: turns the input into one coherent text.
            - **Contributors**: members who provide evidence and views.
            - **Spokesperson**: presents the response outside, where needed.
        """,
        outputs="""
            - A submitted joint response, position paper or set of recommendations.
            - A record of where members' practice agrees and where it differs.
            - Relationships with those who asked, and sometimes influence on the outcome.
        """,
        minutes=(60, 120), note="Review sessions of 1–2 hours; the whole response over 2–6 "
                                "weeks.",
        group=(3, 50), source="each_other", formality=4,
        purposes=["influence", "shared_understanding", "synergy"],
        related=["documenting-practice", "problem-solving", "boundary-collaboration",
                 "hot-topic-discussions"],
    ),
    _format(
        "learning-projects", "Learning projects",
        summary="A small group of members takes on a defined inquiry for several months: trying "
                "something new, studying it and reporting back.",
        description="""
            A learning project is the most committed way of learning with each other. Members
            agree a question, a plan and a timeline, try things in their own work, compare
            results and produce something the rest of the community can use. It suits core and
            active members who want to move the practice forward, and its results feed the whole
            community.
        """,
        when="""
            - A question is too big for one session and matters to several members.
            - The community wants to develop a new approach, not only exchange existing ones.
            - Sponsors are willing to give members time for a defined piece of work.
        """,
        steps="""
            1. Write a one-page project charter: the question, why it matters, who takes part,
               what will be produced and by when.
            2. Get the agreement of members' managers or the sponsor for the time it will take.
            3. Hold a kick-off: agree the method (pilot, comparison, literature review,
               interviews), the roles and a meeting rhythm.
            4. Work in cycles of two to four weeks: each member tries or studies something, then
               the group meets to compare.
            5. Share interim findings with the wider community for comment at least once.
            6. Produce the output (guide, tool, report, recommendations) and present it to the
               community.
            7. Close with a short after-action review: what did we learn about the question, and
               about running projects?
        """,
        roles="""
            - **Project lead**: keeps the group on track and reports to the community.
            - **Project members**: carry out the inquiry in their own work.
            - **Sponsor or champion**: secures time and helps the results travel.
            - **Critical friend**: an outsider or experienced member who reviews the work.
        """,
        outputs="""
            - A tested approach, tool, guide or study backed by evidence from members' practice.
            - A presentation or report to the community and its sponsors.
            - Members with deeper expertise who can support others.
        """,
        minutes=(60, 120), note="Meetings of 1–2 hours every 2–4 weeks over 3–9 months.",
        group=(3, 8), source="each_other", formality=5,
        purposes=["innovate", "solve_problems", "reflect"],
        related=["problem-solving", "documenting-practice", "review-projects",
                 "mutual-benchmarking"],
    ),
    # --- From informal to formal (seed 004, second list) ---
    _format(
        "exchange-tips", "Exchange tips",
        summary="Members trade short, practical tips (a trick, a shortcut, a useful phrase) in a "
                "quick round or a running thread.",
        description="""
            The most informal way to learn from each other: small pieces of know-how that can be
            used at once. A tip costs its giver little and can save others hours. Regular tip
            rounds also help newcomers contribute for the first time, because everyone has a
            tip, even people who would never give a presentation.
        """,
        when="""
            - As a warm-up at the start of any meeting.
            - To keep an online community lively between bigger events.
            - To help peripheral members take a first, small step into taking part.
        """,
        steps="""
            1. Set a theme, or leave it open ("one thing that saved you time this month").
            2. In a meeting, go round: each person gives one tip in under a minute, with no
               discussion yet.
            3. Let people ask for more on the tips that interest them afterwards, in pairs or in
               the thread.
            4. Online, open a recurring thread (weekly or monthly) and start it with two or three
               tips from the core group.
            5. Every few months, collect the best tips into a short list and share it.
        """,
        roles="""
            - **Facilitator**: sets the theme, keeps the round short, invites quieter members.
            - **Members**: offer tips and ask follow-up questions.
        """,
        outputs="""
            - A growing, searchable list of practical tips.
            - Follow-up conversations between people who found a shared interest.
        """,
        minutes=(5, 30), note="A round at the start of a meeting, or a running thread.",
        group=(2, None), source="each_other", formality=1,
        purposes=["share_stories", "solve_problems"],
        related=["point-to-resources", "share-documents", "q-and-a", "hot-topic-discussions"],
    ),
    _format(
        "point-to-resources", "Point to resources",
        summary="Members point each other to useful resources (a report, a tool, a course, a "
                "person) with a line on why each is worth a look.",
        description="""
            Nobody can follow everything. When members point each other to what they found
            useful, the community becomes a filter: every resource comes with a practitioner's
            recommendation and context. Done regularly, it builds a library that members trust
            far more than a list compiled by one person.
        """,
        when="""
            - Members are swamped with information and need trusted filtering.
            - Someone asks a question whose answer already exists somewhere.
            - The community is starting to build a shared library.
            - Newcomers ask where to start and the answer is scattered over many threads.
        """,
        steps="""
            1. Make it easy: a thread, tag or space for resources, and a simple convention
               ("what it is, why it is useful, who it is for").
            2. Set the example: core members share one resource each with a short comment.
            3. When answering questions, link to existing resources instead of explaining
               everything again.
            4. Monthly or quarterly, a volunteer groups the resources by theme and highlights the
               most useful.
            5. From the collection, the core group picks a short "start here" list of about five
               resources for newcomers and keeps it pinned.
            6. Mark or retire resources that members say no longer apply.
        """,
        roles="""
            - **Members**: share resources and say why.
            - **Curator**: organises the collection from time to time.
        """,
        outputs="""
            - A curated collection of resources with members' comments.
            - Faster answers to questions that keep coming back.
            - A "start here" list that helps newcomers find their feet.
        """,
        minutes=(5, 15), note="Ongoing, with a short round-up monthly or quarterly.",
        group=(2, None), source="both", formality=1,
        purposes=["keep_up", "solve_problems"],
        related=["exchange-tips", "share-documents", "systematic-scans", "reading-group"],
    ),
    _format(
        "follow-the-leader", "Follow the leader",
        summary="A less experienced member shadows an experienced practitioner for a while, "
                "watching, helping and asking, to pick up how they really work.",
        description="""
            Some competence only passes from person to person, by working alongside someone.
            Following the leader pairs a newcomer, or someone taking on a new task, with a
            practitioner who has done it many times. The learner sees the judgement calls in
            context; the leader gets a reason to look at their own habits.
        """,
        when="""
            - Newcomers join and need to learn the unwritten side of the practice.
            - A member is moving into a role someone else in the community already holds.
            - Tacit skills (negotiating, facilitating, fieldwork) matter more than procedures.
        """,
        steps="""
            1. Match a learner with a leader. Agree what the learner wants to learn and what the
               leader is comfortable showing.
            2. Agree the form: sitting in on meetings or calls, joining a visit, or working side
               by side online for a few hours.
            3. Before each occasion, the leader explains briefly what will happen and what to
               watch for.
            4. During the work, the learner observes and, where it fits, takes on small parts.
            5. Afterwards, debrief for 15–30 minutes: why did you do that? what would you do
               differently next time?
            6. After a few occasions, the learner tells the community what they learned (with
               the leader's consent).
        """,
        roles="""
            - **Leader**: an experienced practitioner willing to be watched and to explain.
            - **Learner**: observes, asks, gradually takes part.
            - **Matchmaker** (convener or facilitator): pairs people and checks in on them.
        """,
        outputs="""
            - A learner able to take on the task with more confidence.
            - Reflections from both sides, sometimes written up as tips or a short guide.
            - A lasting one-to-one link across levels of experience.
        """,
        minutes=(60, 480), note="A few occasions over several weeks.",
        group=(2, 3), source="each_other", formality=2,
        purposes=["reflect", "share_stories"],
        related=["demonstrations", "field-trips", "peer-assist", "exchange-tips"],
    ),
    _format(
        "hot-topic-discussions", "Hot topic discussions",
        summary="A timely conversation about what is on everyone's mind right now (a new rule, "
                "an incident, a trend) while it is still fresh.",
        description="""
            Hot topics give a community energy: people turn up because the subject matters to
            them this week. A hot-topic discussion gives members room to say how the news
            affects them, compare first reactions and decide whether the community should do
            more, such as a problem-solving session or a joint response.
        """,
        when="""
            - Something has happened in the domain that members already talk about in corridors.
            - Participation has dropped and the community needs a reason to gather.
            - Before committing to a bigger response, to see how much the topic matters.
        """,
        steps="""
            1. Notice the topic early: watch conversations, the news and members' questions.
            2. Within days, announce a short session or open a thread with one framing question.
            3. Start with a two-minute neutral summary of what happened, with sources.
            4. Open the floor: how does this affect your work, what are you hearing?
            5. Keep the conversation on practice and experience; park speculation nobody can act
               on.
            6. Close by asking whether and how to follow up (resources, a clinic, a joint
               response).
            7. Post a summary of the discussion and the follow-up agreed.
        """,
        roles="""
            - **Facilitator**: frames the topic and keeps the discussion grounded and respectful.
            - **Briefer**: sums up the facts at the start.
            - **Members**: share reactions and experience.
        """,
        outputs="""
            - A shared picture of how the topic affects members.
            - A decision on follow-up, which may be to do nothing.
            - Often a burst of participation from occasional members.
        """,
        minutes=(30, 60), group=(3, None), source="each_other", formality=2,
        purposes=["keep_up", "shared_understanding", "share_stories"],
        related=["explore-ideas", "joint-response", "problem-solving", "q-and-a"],
    ),
    _format(
        "explore-ideas", "Explore ideas",
        summary="An open conversation to play with new ideas, possibilities and 'what if' "
                "questions without having to reach a decision.",
        description="""
            Not every conversation has to solve something. Exploring ideas lets members think
            aloud about where the practice could go: new technology, other ways of organising,
            questions at the edge of the domain. The point is to open up (many ideas,
            generously built upon) so that later sessions can pick the promising ones.
        """,
        when="""
            - The community is stuck in routine and needs fresh thinking.
            - A new development opens possibilities nobody has tried yet.
            - Before a learning project or a joint event, to find out what excites members.
        """,
        steps="""
            1. Ask an open question that invites possibilities ("What would our work look like
               if ...?").
            2. Agree the ground rules: no idea is judged today; build on others' ideas ("yes,
               and ...").
            3. Start with a few minutes of silent writing, so the quickest talkers do not set the
               agenda.
            4. Share ideas in rounds, then in small groups that combine and extend them.
            5. Cluster the ideas visibly, on a wall or a shared board.
            6. Close by letting members mark the ideas they would like to pursue, and note who is
               interested in which.
        """,
        roles="""
            - **Facilitator**: holds the open question and protects the no-judgement rule.
            - **Participants**: contribute ideas and build on others'.
            - **Harvester**: captures and clusters the ideas.
        """,
        outputs="""
            - A map of ideas grouped by theme.
            - A shortlist of ideas with the members interested in each.
        """,
        minutes=(45, 90), group=(3, 30), source="each_other", formality=2,
        purposes=["innovate", "shared_understanding"],
        related=["hot-topic-discussions", "problem-solving", "learning-projects",
                 "reading-group"],
    ),
    _format(
        "review-projects", "Review projects",
        summary="A member presents a plan or work in progress and peers review it against their "
                "own experience before it is finalised.",
        description="""
            A review among peers is friendly but rigorous: colleagues who know the practice
            look at a plan, a report, a tool or a design and say what is strong, what is missing
            and what risks they see. The owner ends up with better work; the reviewers see how
            others approach similar tasks.
        """,
        when="""
            - A member is about to finalise a plan, proposal, evaluation design or document.
            - The community wants to raise the quality of what members produce.
            - Members want feedback their managers or clients cannot give.
        """,
        steps="""
            1. The owner shares the material in advance, saying what they want reviewed (the
               design? feasibility? clarity?).
            2. Two or three reviewers are named and read it carefully; others may read too.
            3. In the session, the owner presents the essentials in about ten minutes.
            4. Reviewers give feedback in a fixed order: strengths, questions, concerns,
               suggestions.
            5. Others add their comments; the owner has the last word: what will they change?
            6. The owner notes the changes they will make. Keep the review notes with the
               project if they can be shared.
        """,
        roles="""
            - **Project owner**: presents and decides what to take on board.
            - **Reviewers**: prepare and give structured feedback.
            - **Facilitator**: keeps the feedback constructive and on the owner's questions.
        """,
        outputs="""
            - Written review notes and an improved plan or product.
            - Over time, a list of strengths and weaknesses that recur across projects.
        """,
        minutes=(45, 90), group=(3, 12), source="each_other", formality=3,
        purposes=["reflect", "solve_problems"],
        related=["peer-assist", "case-clinics", "case-studies", "mutual-benchmarking"],
    ),
    _format(
        "case-clinics", "Case clinics",
        summary="One member brings a real, urgent challenge with a precise question; the group "
                "works on it with them in a structured round of questions and advice.",
        description="""
            A case clinic puts the group's experience at the service of one member's live
            problem. Its structure protects the case owner: first the group only asks questions
            to understand, then offers ideas while the owner listens, and finally the owner says
            what they will do. Everyone learns, because each case shows the practice in a
            specific, untidy situation.
        """,
        when="""
            - A member faces a difficult situation now and has to decide soon.
            - The community wants regular, practical sessions everyone can bring material to.
            - There is enough trust for members to show their problems openly.
        """,
        steps="""
            1. Before the session, the case owner describes the case in a few lines and writes
               one precise question ("How can I ...?").
            2. The facilitator explains the steps and the rules: what is said stays in the room,
               nobody judges, advice is offered, not imposed.
            3. The case owner presents the situation and the question (5–10 minutes).
            4. Questions of clarification only: participants ask to understand, without
               slipping in solutions (about 10 minutes).
            5. The owner may reword the question in the light of what was asked.
            6. Advice round: participants offer ideas, experiences and options; the owner
               listens and takes notes without answering (15–20 minutes).
            7. The owner says what was useful and what they will do next (5 minutes).
            8. Closing round: each participant says what they learned for their own work.
            9. A few weeks later, the owner tells the community how it went.
        """,
        roles="""
            - **Case owner**: brings the challenge and the question, and decides what to do.
            - **Facilitator**: guards the steps and the time, and stops advice disguised as
              questions.
            - **Consultants**: the other members, who ask and advise.
            - **Note taker** (optional): writes the advice down for the owner.
        """,
        outputs="""
            - Concrete options and a next step for the case owner.
            - Notes the owner keeps, and with their consent a short anonymised summary for the
              community.
            - Learning for every participant from seeing a real case up close.
        """,
        minutes=(60, 90), group=(4, 12), source="each_other", formality=3,
        purposes=["solve_problems", "reflect", "share_stories"],
        related=["peer-assist", "case-studies", "problem-solving", "help-desk",
                 "review-projects"],
    ),
    _format(
        "help-desk", "Help desk",
        summary="A standing place where any member asks a practical question and the community "
                "answers, with people taking turns so every question gets a reply.",
        description="""
            A help desk makes the community dependable: a question asked will be answered.
            Questions and answers stay searchable, so the desk gradually becomes a knowledge
            base. Unlike a casual Q&A thread it has an agreed promise and people on duty, which
            makes it one of the more formal ways of learning from each other.
        """,
        when="""
            - Members work alone or far apart and need quick help from peers.
            - The same questions keep arriving through private channels and should be answered
              once, in the open.
            - The community wants a visible service that shows its value to sponsors.
        """,
        steps="""
            1. Decide where questions are asked (in Cultivate: questions in the community's
               conversations) and announce it.
            2. Set an answer promise, for example a first reply within two working days.
            3. Form a rota of responders from the core and active members, each taking a week.
            4. The person on duty checks unanswered questions daily, answers or brings in someone
               who knows, and makes sure the asker accepts an answer.
            5. Encourage askers to mark the answer that helped and to say how they used it.
            6. Each month look at the questions: which topics recur? Turn them into tips,
               documents or clinics.
        """,
        roles="""
            - **Asker**: any member with a practical question.
            - **Responder on duty**: watches the queue and routes questions.
            - **Experts**: members called in for particular topics.
            - **Help-desk steward**: keeps the rota and reviews the monthly pattern.
        """,
        outputs="""
            - Answered questions that stay searchable.
            - A list of recurring questions for planning documentation and sessions.
            - Response times and numbers of answered questions, useful as value indicators.
        """,
        minutes=(5, 30), note="Ongoing; responders take turns of a week.",
        group=(2, None), source="each_other", formality=4,
        purposes=["solve_problems", "share_stories"],
        related=["q-and-a", "case-clinics", "exchange-tips", "point-to-resources"],
    ),
    _format(
        "mutual-benchmarking", "Mutual benchmarking",
        summary="Members compare how their organisations do the same work, using agreed "
                "measures, to see where each can learn from the others.",
        description="""
            Mutual benchmarking is the most formal way of learning from each other. Members
            agree what to compare (processes, results, costs, timelines), collect comparable
            data, and then visit or interview those who do best on each measure. Because
            everyone contributes data, everyone is both a learner and a source.
        """,
        when="""
            - Members do similar work in comparable organisations (cities, ministries,
              hospitals, schools).
            - The community is mature, members trust each other with data, and they want
              evidence rather than anecdotes.
            - Sponsors want to see improvements in performance linked to the community.
        """,
        steps="""
            1. Agree the scope: which process or result, and why it matters to members.
            2. Define a small set of measures and exactly how each is calculated so the data is
               comparable; try them out with two members first.
            3. Agree confidentiality: who sees named data, and what is shared only anonymised.
            4. Each member collects their data with a short description of their context.
            5. A coordinator compiles the comparison and shares it with the participants.
            6. In a session, interpret the differences: which come from context, which from
               practice?
            7. Pair members with those who do well on a measure, for a peer assist or a field
               trip.
            8. Repeat after a year to see what has changed.
        """,
        roles="""
            - **Coordinator**: designs the measures with the group and compiles the data.
            - **Participating members**: collect data and share their context openly.
            - **Analyst** (may be the coordinator): prepares the comparison.
            - **Sponsors**: often needed to release data and time.
        """,
        outputs="""
            - A comparison of practices and results across members' organisations.
            - Good practices identified, and pairs of members set up to learn from each other.
            - A baseline for measuring improvement over time.
        """,
        minutes=(90, 180), note="Data collection over 1–3 months, an interpretation session, "
                                "a repeat after a year.",
        group=(3, 20), source="each_other", formality=5,
        purposes=["reflect", "solve_problems", "synergy"],
        related=["external-benchmarks", "field-trips", "peer-assist", "review-projects"],
    ),
    # --- With each other and from outside sources (seed 004, third list) ---
    _format(
        "peer-assist", "Peer assist",
        summary="Before starting a new piece of work, a team invites peers who have done "
                "something similar to share what they learned and advise on the plan.",
        description="""
            A peer assist brings experience to a piece of work when it can make the most
            difference: before it starts. The team asking for help explains its plans; peers
            who have done similar work tell what happened to them; together they help the team
            decide what to do differently. It is learning before doing, and it builds the habit
            of asking for help.
        """,
        when="""
            - A member or team is about to start a project, reform or task others have done
              before.
            - A costly or risky decision is coming and experience elsewhere could prevent
              mistakes.
            - To connect people across organisations or regions who would not otherwise meet.
        """,
        steps="""
            1. The requesting team states the purpose: what they are about to do and what they
               want to learn.
            2. Invite four to eight peers with relevant experience, at least one from outside
               the team's own setting. Avoid inviting only people who will agree with the plan.
            3. Send a short briefing on the work a week before.
            4. In the session, the team presents the context and its plans briefly (15–20
               minutes), then listens.
            5. Peers tell what they did, what worked and what they would avoid, as stories
               rather than general advice.
            6. Together, look at the options for the team's situation; the team asks questions.
            7. The team sums up what it will do differently, thanks the peers and promises to
               report back.
            8. A few months later, tell the community how the advice was used.
        """,
        roles="""
            - **Requesting team**: hosts, presents, and decides what to take on board.
            - **Peers**: practitioners who have done similar work.
            - **Facilitator** (ideally from outside the team): keeps the focus on the team's
              needs.
            - **Note taker**: records the advice and the team's commitments.
        """,
        outputs="""
            - Lessons and options specific to the team's work.
            - Changes to the plan, named by the team.
            - New relationships the team can call on while the work goes on.
        """,
        minutes=(90, 240), note="Up to half a day for a larger project.",
        group=(5, 12), source="each_other", formality=3,
        purposes=["solve_problems", "share_stories", "synergy"],
        related=["case-clinics", "after-action-review", "review-projects", "follow-the-leader"],
    ),
    _format(
        "q-and-a", "Q&A",
        summary="Members put questions to an experienced colleague or to the whole group, in a "
                "dedicated session or thread, and the answers are shared with everyone.",
        description="""
            Q&A is a light way of learning from each other: one round in which questions are
            collected and answered in the open. It can be an "ask me anything" with a member who
            knows a topic well, or a monthly open-question session. Compared with the help desk
            it is more informal and limited in time.
        """,
        when="""
            - A member has expertise others want to tap without them preparing a talk.
            - Newcomers have many basic questions and need a safe place to ask them.
            - As a follow-up to a demonstration, reading group or guest session.
        """,
        steps="""
            1. Choose a topic and, if you like, one person to answer (or leave it to the group).
            2. Collect questions beforehand in a thread; let members mark the ones they want
               answered too.
            3. In the session, the facilitator reads out the questions, most wanted first.
            4. The person answering replies briefly and others add their experience; keep each
               answer to a few minutes.
            5. Note questions that need more work for later (a clinic, a document, a resource).
            6. Post the questions with short answers in the community so they can be found again.
        """,
        roles="""
            - **Facilitator**: gathers and orders the questions, keeps the pace.
            - **Answerers**: an experienced member, or the group.
            - **Askers**: anyone, newcomers and peripheral members especially.
        """,
        outputs="""
            - A written list of questions and answers.
            - Open questions that feed later sessions.
        """,
        minutes=(30, 60), group=(3, None), source="each_other", formality=2,
        purposes=["solve_problems", "keep_up"],
        related=["help-desk", "exchange-tips", "invite-speakers", "hot-topic-discussions"],
    ),
    _format(
        "role-play", "Role play",
        summary="Members act out a difficult situation from their work (a negotiation, a hard "
                "conversation, a presentation) to rehearse it and get feedback safely.",
        description="""
            Role play lets practitioners try a conversation before it counts. One member plays
            themselves, others play the people they will face, and the group watches and gives
            feedback. Swapping roles helps people understand the other side. It is most useful
            for skills that are about people rather than procedures.
        """,
        when="""
            - Members face demanding conversations: negotiating budgets, giving bad news,
              handling conflict, interviewing.
            - A new policy has to be explained to clients or the public.
            - After a case clinic, to rehearse the option the case owner chose.
        """,
        steps="""
            1. Take a realistic situation from a member's work and describe each role in a few
               lines, including what each character wants.
            2. Agree how to keep it safe: it is practice, feedback is about the approach and not
               the person, and anyone may call a pause.
            3. Cast the roles. Everyone else observes, each with something specific to watch.
            4. Play the scene for 5–10 minutes.
            5. Debrief: first the players say how it felt, then the observers say what worked
               and what to try.
            6. Replay with changes, or swap roles so the member experiences the other side.
            7. Close with each participant naming one thing they will do in real situations.
        """,
        roles="""
            - **Protagonist**: the member rehearsing their own situation.
            - **Role players**: play the other parts, realistically but fairly.
            - **Observers**: watch for agreed points and give feedback.
            - **Facilitator**: sets up the scene, keeps it safe, leads the debrief.
        """,
        outputs="""
            - Rehearsed and improved ways of handling a real situation.
            - Phrases, tactics and warnings collected for others who face similar situations.
        """,
        minutes=(45, 120), group=(3, 16), source="each_other", formality=3,
        purposes=["reflect", "solve_problems"],
        related=["case-clinics", "training-and-workshops", "demonstrations",
                 "follow-the-leader"],
    ),
    _format(
        "share-documents", "Share documents",
        summary="Members make their working documents (templates, plans, reports, tools) "
                "available to each other, with a note on context and how they were used.",
        description="""
            Sharing real documents saves members from starting with a blank page. A tender
            template, an evaluation plan or a training agenda that worked somewhere else is a
            head start, especially when the person sharing it explains the context and what
            they would change. Over time the shared documents become part of the community's
            repertoire.
        """,
        when="""
            - Members produce similar documents in different organisations.
            - Someone asks "does anyone have an example of ...?".
            - The community is building a library and needs real material.
        """,
        steps="""
            1. Agree what may be shared: check confidentiality and remove personal or sensitive
               data.
            2. Upload the document with a short note: what it is, where and when it was used,
               what worked and what you would change.
            3. Tag it so it can be found, and link it from related conversations.
            4. Ask those who reuse a document to reply with how they adapted it.
            5. Now and then, highlight the most reused documents and ask whether one should
               become a community template.
        """,
        roles="""
            - **Sharers**: contribute documents with their context.
            - **Reusers**: adapt documents and report back.
            - **Librarian** (optional): tags, groups and tidies the collection.
        """,
        outputs="""
            - A library of real documents with notes on their use.
            - Adapted versions that show how a document travels between settings.
            - Candidates for community-wide templates.
        """,
        minutes=(5, 15), note="Ongoing.",
        group=(2, None), source="each_other", formality=1,
        purposes=["share_stories", "solve_problems"],
        related=["point-to-resources", "documenting-practice", "exchange-tips",
                 "practice-fairs"],
    ),
    _format(
        "training-and-workshops", "Training and workshops",
        summary="A planned learning event with objectives, prepared materials and exercises, led "
                "by a trainer from inside or outside the community.",
        description="""
            Training is the most formal learning activity: someone prepares a programme to build
            particular skills, often with an expert from outside. In a community of practice it
            works best when members shape the programme, bring their own cases to the exercises
            and carry the learning on in the community afterwards, rather than treating it as a
            one-off lecture.
        """,
        when="""
            - Many members need the same new skill or knowledge (a new method, tool or rule).
            - The community has found a gap that exchange among peers cannot fill.
            - Newcomers need a common foundation before they can take part in peer activities.
        """,
        steps="""
            1. Establish the need: ask members what they need to be able to do, not only which
               topic they would like.
            2. Write learning objectives ("after the workshop, participants can ...").
            3. Choose a trainer who knows the practice and share members' cases and questions
               with them.
            4. Design the programme with short inputs, plenty of practice, and exercises on
               members' real material.
            5. Send preparation tasks (a case, a reading) beforehand.
            6. Run the workshop, keeping a list of questions to pick up later in the community.
            7. Evaluate what participants learned and will apply, and plan a follow-up session a
               few weeks later to hear how it went.
            8. Publish the materials in the community.
        """,
        roles="""
            - **Organiser**: analyses the need, finds the trainer, handles logistics.
            - **Trainers**: design and lead the sessions.
            - **Participants**: prepare, practise and apply.
            - **Follow-up host**: runs the later session where participants share how they
              applied it.
        """,
        outputs="""
            - Participants with new skills and a plan for applying them.
            - Training materials kept in the community.
            - Evaluation results and, later, stories of application.
        """,
        minutes=(120, 960), note="From a half-day workshop to a two-day course, plus a "
                                 "follow-up session.",
        group=(6, 30), source="both", formality=5,
        purposes=["keep_up", "shared_understanding"],
        related=["demonstrations", "role-play", "invite-speakers", "joint-events"],
    ),
    _format(
        "joint-events", "Joint events",
        summary="The community organises an event with other communities, networks or "
                "organisations, so members meet people and ideas beyond their own circle.",
        description="""
            A joint event (a conference, a seminar, an online festival, a learning day) pools the
            audiences and expertise of several groups. Members meet practitioners they would
            never have met, and the community becomes known beyond its boundary. Organising it
            together is also a way to build a lasting relationship with the partners.
        """,
        when="""
            - Two or more communities share part of their domain.
            - The community wants visibility, new members or new partners.
            - A theme is too big for one community to cover alone.
        """,
        steps="""
            1. Find partners whose members would benefit from meeting yours and agree a shared
               purpose for the event.
            2. Form a small joint organising team with clear roles and a way of deciding.
            3. Design a programme that mixes the audiences (mixed small groups, practice fairs,
               joint clinics) rather than only panels.
            4. Settle the practical side: budget, venue or platform, communication,
               registration, and who owns the outputs.
            5. Invite the members of all partners; brief hosts and facilitators.
            6. Run the event with room for informal connections: breaks, networking rounds.
            7. Publish a joint report and invite participants into each community's follow-up
               conversations.
            8. Review with the partners: would we do it again, and what comes next?
        """,
        roles="""
            - **Joint organising team**: representatives of each partner.
            - **Programme lead**: designs the sessions.
            - **Hosts and facilitators**: run the sessions.
            - **Participants**: from all partner communities.
        """,
        outputs="""
            - An event report with the key ideas and contacts.
            - New relationships across communities, and possibly new members.
            - A basis for further boundary collaboration.
        """,
        minutes=(180, 960), note="Half a day to two days, after 2–6 months of preparation.",
        group=(20, 500), source="both", formality=4,
        purposes=["synergy", "keep_up", "influence"],
        related=["boundary-collaboration", "practice-fairs", "guests", "invite-speakers",
                 "training-and-workshops"],
    ),
    _format(
        "invite-speakers", "Invite speakers",
        summary="An outside expert gives a prepared talk on a topic members asked for, followed "
                "by a discussion that connects it to the community's practice.",
        description="""
            A speaker brings in knowledge the community does not have: research findings, a new
            policy, experience from another field. The talk is learning from an outside source;
            the discussion afterwards is where the community makes it its own. Good speaker
            sessions leave more time for questions than the speaker expects.
        """,
        when="""
            - Members need authoritative information about a new development.
            - The community has reached the limit of what its members know about a topic.
            - To draw occasional and peripheral members with a clear, attractive session.
        """,
        steps="""
            1. Let members propose the topic and the questions they want answered.
            2. Invite a speaker and brief them: the audience, its practice, the questions, and a
               time limit for the talk (20 minutes is usually plenty).
            3. Announce the session with the questions and invite members to add more.
            4. The host introduces the speaker and the purpose; the speaker talks.
            5. Open a moderated discussion: start with members' prepared questions and link the
               answers to situations members know.
            6. Close with a round or a poll: what will you take from this into your work?
            7. Share the recording or slides with a summary, and open a thread for further
               questions.
        """,
        roles="""
            - **Host**: chooses the topic with members, invites and briefs the speaker,
              moderates.
            - **Speaker**: an expert from outside the community.
            - **Members**: prepare questions and relate the talk to their practice.
        """,
        outputs="""
            - A recording or summary of the talk and the discussion.
            - Follow-up questions and resources.
            - A relationship with an expert who may come back.
        """,
        minutes=(45, 90), group=(5, None), source="outside", formality=3,
        purposes=["keep_up", "shared_understanding"],
        related=["guests", "reading-group", "q-and-a", "training-and-workshops"],
    ),
    _format(
        "systematic-scans", "Systematic scans",
        summary="Members share out the watch on sources outside the community (research, "
                "policy, news, other communities) and regularly report what is new and relevant.",
        description="""
            A systematic scan turns the community into an early-warning system for its domain.
            Each volunteer follows a few sources and, at a fixed rhythm, brings back what
            matters for the practice, with a line on why. Compared with pointing to resources
            the scan is organised: sources are assigned, the rhythm is set and the findings are
            compiled.
        """,
        when="""
            - The domain changes fast (technology, rules, evidence) and nobody can follow it
              alone.
            - The community wants to anticipate change rather than react to it.
            - Sponsors value the community as a source of intelligence.
        """,
        steps="""
            1. List the sources that matter: journals, agencies, newsletters, other communities,
               conferences.
            2. Ask volunteers to adopt one to three sources each for a period (say six months).
            3. Agree a format for reports: what is new, why it matters to us, a link.
            4. At a fixed rhythm (monthly or quarterly), volunteers post their findings in a scan
               thread.
            5. A compiler turns the findings into a short digest and picks items for discussion.
            6. Discuss the top items in a session and decide on follow-up (a reading group, a
               speaker, a hot-topic discussion).
            7. Review the sources and the volunteers twice a year.
        """,
        roles="""
            - **Scanners**: each follow their assigned sources.
            - **Compiler**: puts the findings into a digest.
            - **Facilitator**: runs the discussion of what matters.
        """,
        outputs="""
            - A regular digest of developments that matter for the practice.
            - A map of sources and of who watches them.
            - Early decisions on what the community should learn or do next.
        """,
        minutes=(30, 60), note="Reports monthly or quarterly; a discussion of 30–60 minutes.",
        group=(3, 20), source="outside", formality=4,
        purposes=["keep_up", "innovate", "influence"],
        related=["point-to-resources", "reading-group", "external-benchmarks",
                 "hot-topic-discussions"],
    ),
    _format(
        "external-benchmarks", "External benchmarks",
        summary="The community compares its practice with recognised standards or with leading "
                "organisations outside it, to see where it stands and what to learn.",
        description="""
            External benchmarking looks beyond the membership: international standards,
            published performance data, or organisations known for doing the work well. It
            keeps a community from measuring itself only against itself. The work is formal
            (choosing a reference, gathering data, analysing gaps) and its result is a grounded
            agenda for improvement.
        """,
        when="""
            - The community needs to know how its practice compares with the best elsewhere.
            - Members have to meet or adopt an external standard.
            - Sponsors ask how the community's practice relates to international good practice.
        """,
        steps="""
            1. Decide what to benchmark and why: a process, a result, a level of quality.
            2. Choose the reference (a standard, a dataset or a set of organisations) and check
               that it fits members' context.
            3. Gather the external data: published reports, the requirements of the standard,
               interviews with people in the reference organisations.
            4. Compare members' practice with the reference using a simple grid of criteria.
            5. Discuss the gaps in a session: which matter, which come from context, which are
               worth closing?
            6. Agree improvement ideas and who will try them; consider a learning project or a
               peer assist with the reference organisations.
            7. Publish a short benchmark report and revisit it after a year.
        """,
        roles="""
            - **Benchmark lead**: designs the comparison and gathers the data.
            - **Members**: provide data on their own practice and interpret the gaps.
            - **External contacts**: people in reference organisations who explain their
              practice.
            - **Sponsor**: helps with access and with acting on the results.
        """,
        outputs="""
            - A benchmark report comparing members' practice with external references.
            - A prioritised list of gaps and ideas for improvement.
            - Contacts in leading organisations.
        """,
        minutes=(90, 180), note="Preparation over 1–3 months, then an interpretation session.",
        group=(3, 20), source="outside", formality=5,
        purposes=["reflect", "keep_up", "influence"],
        related=["mutual-benchmarking", "systematic-scans", "field-trips",
                 "learning-projects"],
    ),
    _format(
        "boundary-collaboration", "Boundary collaboration",
        summary="The community works on a shared question with another community, discipline or "
                "organisation, bringing both practices together.",
        description="""
            Some of the richest learning happens where practices meet: budget officers with
            health planners, teachers with social workers. A boundary collaboration sets up a
            joint piece of work between two groups, with brokers who move between them. It is
            demanding (vocabulary, priorities and habits differ) but it produces ideas neither
            side would reach alone.
        """,
        when="""
            - Members' problems cannot be solved within their own discipline or organisation.
            - Another community works on the other side of a process members depend on.
            - The community is mature and needs new challenges and new members.
        """,
        steps="""
            1. Identify the boundary: whose practice meets yours, and which shared question would
               matter to both sides?
            2. Find brokers on both sides: people who understand both practices, or are keen to
               learn.
            3. Hold an exploratory meeting where each side explains its view of the question,
               its vocabulary and its constraints.
            4. Agree a small joint piece of work (a mixed case clinic, a joint guide, a pilot)
               with a timeline and people from both sides in each role.
            5. Work in mixed pairs or small groups and meet regularly to compare perspectives.
            6. Present the results to both communities and discuss what each will change.
            7. Decide whether to continue: a standing link, joint events, shared membership.
        """,
        roles="""
            - **Brokers**: members who connect the two practices and translate between them.
            - **Conveners of both communities**: give the mandate and visibility.
            - **Joint working group**: does the shared work.
        """,
        outputs="""
            - A joint product: a guide, pilot results, recommendations or a new practice.
            - A shared vocabulary and better understanding between the two groups.
            - Lasting links between communities, possibly a new network.
        """,
        minutes=(60, 120), note="Joint meetings of 1–2 hours over 2–6 months.",
        group=(4, 20), source="outside", formality=4,
        purposes=["synergy", "innovate", "influence"],
        related=["joint-events", "guests", "learning-projects", "joint-response"],
    ),
    # --- More formats ---
    _format(
        "after-action-review", "After-action review",
        summary="Straight after an activity, the people involved compare what was meant to "
                "happen with what did happen, and why, to capture lessons for next time.",
        description="""
            An after-action review is short and routine: it happens while memories are fresh,
            among the people who did the work, without looking for someone to blame. Four
            questions carry it: what did we intend, what happened, why was there a difference,
            and what will we keep or change? Done regularly, it turns everyday work into
            learning the community can share.
        """,
        when="""
            - Right after an event, a project phase, an emergency response or any activity worth
              improving.
            - After the community's own activities (a clinic, a joint event) to improve how it
              runs them.
            - To close the loop on a peer assist: learning after doing, matching learning before.
        """,
        steps="""
            1. Gather the people who took part as soon as possible after the activity, and keep
               it short.
            2. Set the tone: every view counts the same, the aim is learning, not blame.
            3. What was supposed to happen? Agree the intended goals and plan.
            4. What actually happened? Build the timeline of facts together.
            5. Why was there a difference? Look for causes of what went well as much as of what
               did not.
            6. What will we keep and what will we change next time? Make each lesson specific
               and actionable.
            7. Record the lessons, share those that can be shared with the community, and check
               at the next similar activity that they were applied.
        """,
        roles="""
            - **Facilitator**: ideally someone who was not in charge of the activity; keeps it
              free of blame.
            - **Participants**: everyone who took part, whatever their role.
            - **Recorder**: writes down the lessons and actions.
        """,
        outputs="""
            - A short list of lessons with concrete actions.
            - Improvements to the next activity or project phase.
            - Contributions to the community's documented practice.
        """,
        minutes=(15, 60), group=(2, 20), source="each_other", formality=3,
        purposes=["reflect", "solve_problems"],
        related=["peer-assist", "case-studies", "documenting-practice", "review-projects"],
    ),
    _format(
        "story-circle", "Story circle",
        summary="Members take turns telling a short, true story from their practice around a "
                "theme, and the listeners look for what the stories have in common.",
        description="""
            Stories carry context, feeling and judgement that reports leave out. In a story
            circle each member tells a short, true story (a success, a failure, a turning point)
            and the others listen without interrupting. Hearing many stories side by side helps
            members escape local blindness: they see patterns across settings and recognise
            their own experience in others'. A story circle is also a gentle way to collect
            value-creation stories.
        """,
        when="""
            - A new community needs to build trust and find out what members have in common.
            - The community wants to understand what value it creates for its members.
            - After a period of change, to make sense of what members have been through.
        """,
        steps="""
            1. Choose a theme and a prompt ("a time when ... changed the way you work").
            2. Give people a few minutes to choose and prepare a story; no slides.
            3. Each storyteller has three to five minutes; listeners do not interrupt.
            4. After each story, one or two listeners say back what they heard (not advice).
            5. When all stories are told, discuss: what patterns do we see, what surprised us?
            6. With the tellers' permission, write the stories up briefly or record them as
               value-creation stories.
        """,
        roles="""
            - **Facilitator**: sets the theme, keeps time and keeps the circle safe.
            - **Storytellers**: share true stories from their practice.
            - **Listeners**: listen fully and reflect back.
        """,
        outputs="""
            - A collection of practice stories that may be shared.
            - Patterns and questions that emerged across the stories.
            - Stronger relationships and trust among members.
        """,
        minutes=(45, 90), group=(4, 12), source="each_other", formality=2,
        purposes=["share_stories", "shared_understanding", "reflect"],
        related=["case-studies", "after-action-review", "exchange-tips", "practice-fairs"],
    ),
]


def load_builtin_formats(format_model, purpose_model) -> int:
    """Create or refresh the built-in formats, their purposes and their relations.

    Works with a migration's historical models (which have no custom save), so the HTML of
    every Markdown field is rendered here. A format an admin created under the same address
    is left alone. Returns how many formats were written.
    """
    with translation.override(settings.LANGUAGE_CODE):  # rows are written in English
        return _load(format_model, purpose_model)


def _load(format_model, purpose_model) -> int:
    written = {}
    for entry in FORMATS:
        values = {key: entry[key] for key in (
            "name", "summary", "duration_min", "duration_max", "duration_note",
            "group_size_min", "group_size_max", "source", "formality", *MARKDOWN_FIELDS)}
        values |= {f"{field}_html": render_markdown(entry[field]) for field in MARKDOWN_FIELDS}
        existing = format_model.objects.filter(slug=entry["slug"]).first()
        if existing is not None and not existing.is_builtin:
            continue
        row, _created = format_model.objects.update_or_create(
            slug=entry["slug"], defaults={**values, "is_builtin": True})
        purpose_model.objects.filter(format=row).exclude(purpose__in=entry["purposes"]).delete()
        have = set(purpose_model.objects.filter(format=row).values_list("purpose", flat=True))
        purpose_model.objects.bulk_create([purpose_model(format=row, purpose=purpose)
                                           for purpose in entry["purposes"] if purpose not in have])
        written[entry["slug"]] = row
    by_slug = {row.slug: row for row in format_model.objects.filter(
        slug__in=[slug for entry in FORMATS for slug in entry["related"]])}
    for entry in FORMATS:
        row = written.get(entry["slug"])
        if row is None:
            continue
        for slug in entry["related"]:
            if slug in by_slug:
                # Both ways: a migration's historical model may not know the relation is
                # symmetrical (adding an existing pair is a no-op).
                row.related.add(by_slug[slug])
                by_slug[slug].related.add(row)
    return len(written)


def ensure_builtin_formats() -> int:
    """Load the built-in formats unless they are there (tests that flush the database, and
    `cultivate` commands, call this)."""
    from cultivate.formats.models import FormatPurpose, LearningFormat

    if LearningFormat.objects.filter(is_builtin=True).count() >= len(FORMATS):
        return 0
    return load_builtin_formats(LearningFormat, FormatPurpose)

"""Demo value-creation stories at different stages: one told through every cycle up to
reframing (read across the landscape), one a facilitator wrote on a member's behalf with a
hoped-for last step, one public, and the drafts the platform proposes from follow-ups."""

from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.conversations.models import Topic
from cultivate.evaluation.applied.demo import QUESTION
from cultivate.evaluation.applied.models import AppliedRecord
from cultivate.evaluation.stories import actions
from cultivate.evaluation.stories.models import StoryStep, ValueStory
from cultivate.evaluation.stories.proposals import propose_story_drafts
from cultivate.practice.models import Method

CITIZENS = "A citizens' budget in three weeks less"


def plant(people: dict) -> int:
    budget = Community.objects.filter(slug="budget-reform").first()
    if budget is None or ValueStory.objects.filter(title=CITIZENS).exists():
        return 0
    topic = Topic.objects.filter(community=budget, title=QUESTION).first()
    made = 0
    if topic and topic.accepted_answer_id:
        made += _citizens_budget(people, budget, topic)
    made += _review_clinic(people, budget)
    made += _after_action(people)
    return made + propose_story_drafts()


def _citizens_budget(people, budget, topic) -> int:
    answer = f"{topic.get_absolute_url()}#post-{topic.accepted_answer_id}"
    story = actions.do_save_story(actor=people["milica"], community=budget, publish=True, values={
        "title": CITIZENS, "visibility": "landscape",
        "immediate_text": "I asked how other ministries publish a citizens' budget and got "
                          "three answers within a day, from Armenia, Kyrgyzstan and Moldova.",
        "immediate_evidence": f"The question | {topic.get_absolute_url()}",
        "potential_text": "Elena's answer gave us a one-page template: four charts and a "
                          "glossary of ten words.",
        "potential_evidence": f"Elena's answer | {answer}",
        "applied_text": "We sent the template with our 2027 budget call to five line "
                        "ministries.",
        "realized_text": "The budget call took three weeks less: every line ministry sent its "
                         "one-page summary on time, and the citizens' budget was published "
                         "with the budget law for the first time.",
        "reframing_text": "The ministry now asks every line agency for a one-page citizens' "
                          "summary as part of the budget call: transparency is a step of "
                          "the process, not a publication at the end.",
        "reframing_evidence": "Open Budget Survey guide | https://internationalbudget.org/"
                              "open-budget-survey/",
    })
    record = AppliedRecord.objects.filter(user=people["milica"],
                                          target_id=topic.accepted_answer_id).first()
    if record:  # the platform would otherwise propose the same chain as a draft
        ValueStory.objects.filter(pk=story.pk).update(proposal_key=f"applied:{record.pk}")
    actions.do_decide_visibility(actor=people["anahit"], story=story, approve=True)
    realized = StoryStep.objects.get(story=story, cycle="realized")
    actions.do_corroborate(actor=people["aibek"], story=story, step_id=realized.pk,
                           note="I saw the summaries arrive with the budget submissions.")
    actions.do_corroborate(actor=people["elena"], story=story,
                           step_id=StoryStep.objects.get(story=story, cycle="potential").pk)
    return 1


def _review_clinic(people, budget) -> int:
    method = Method.objects.filter(title="Spending review clinic").first()
    if method is None:
        return 0
    story = actions.do_save_story(actor=people["elena"], community=budget, publish=True, values={
        "title": "From one spending review to a clinic for the network",
        "visibility": "public",
        "immediate_text": "Moldova's first spending review ran into the same questions "
                          "every ministry had: which programmes, what data, who decides.",
        "potential_text": "We wrote the spending review clinic as a method page, with the "
                          "story of the review that ran out of data.",
        "potential_evidence": f"Spending review clinic | {method.get_absolute_url()}",
        "applied_text": "Two ministries plan to run a clinic on their capital budgets next "
                        "year.",
        "applied_aspirational": "on",
    })
    actions.do_decide_visibility(actor=people["anahit"], story=story, approve=True)
    return 1


def _after_action(people) -> int:
    monitoring = Community.objects.filter(slug="monitoring-evaluation").first()
    method = Method.objects.filter(title="After-action review").first()
    if monitoring is None or method is None:
        return 0
    actions.do_save_story(actor=people["carlos"], community=monitoring, publish=True, values={
        "title": "After-action reviews that reached the districts",
        "teller": "priya",
        "consent_note": f"Priya agreed by email on {timezone.localdate():%d %B %Y}.",
        "immediate_text": "Priya joined the after-action review clinic at the spring meeting.",
        "potential_text": "The review questions became the method page the network uses.",
        "potential_evidence": f"After-action review | {method.get_absolute_url()}",
        "applied_text": "Her team now holds a 45-minute review after every monitoring round.",
        "realized_text": "Findings reach the district teams within a week.",
        "reframing_text": "We hope the ministry will make reviews part of every programme "
                          "cycle.",
        "reframing_aspirational": "on",
    })
    return 1

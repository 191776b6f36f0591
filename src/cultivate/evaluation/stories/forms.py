from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.evaluation.cycles import CYCLES
from cultivate.evaluation.stories.models import MAX_STEP, MAX_TITLE, StoryVisibility


class StoryForm(forms.Form):
    """Title, whose story, who may read it, and one step per cycle (text, aspiration, evidence)."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    teller = forms.CharField(label=_("Whose story is it? (a member's username)"), required=False,
                             max_length=150, help_text=_("Leave empty for your own story."))
    consent_note = forms.CharField(
        label=_("How they agreed to have it told"), required=False, max_length=300,
        help_text=_("Needed when you tell someone else's story."))
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=StoryVisibility.choices,
        initial=StoryVisibility.COMMUNITY,
        help_text=_("Beyond the community only once a facilitator or convener approves."))

    def __init__(self, *args, may_tell_for_others=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_tell_for_others:
            del self.fields["teller"]
            del self.fields["consent_note"]
        self.cycles = []
        for cycle in CYCLES:
            self.fields[f"{cycle.key}_text"] = forms.CharField(
                label=f"{cycle.label}: {cycle.question}", required=False, max_length=MAX_STEP,
                widget=forms.Textarea(attrs={"rows": 3}), help_text=cycle.meaning)
            self.fields[f"{cycle.key}_aspirational"] = forms.BooleanField(
                label=_("Not yet: this is what we hope for"), required=False)
            self.fields[f"{cycle.key}_evidence"] = forms.CharField(
                label=_("Evidence (one link per line, optionally “label | link”)"),
                required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Topics, posts, methods, stories of use, resources and events of "
                            "this site, or https links to documents."))
            self.cycles.append((cycle, self[f"{cycle.key}_text"],
                                self[f"{cycle.key}_aspirational"],
                                self[f"{cycle.key}_evidence"]))


def initial_of(story) -> dict:
    initial = {"title": story.title, "visibility": story.visibility,
               "teller": story.teller.username if story.teller else "",
               "consent_note": story.consent_note}
    for step in story.steps.all():
        initial[f"{step.cycle}_text"] = step.text
        initial[f"{step.cycle}_aspirational"] = step.aspirational
        initial[f"{step.cycle}_evidence"] = "\n".join(
            f"{e.label} | {e.url}" if e.url else "" for e in step.evidence.all()).strip()
    return initial

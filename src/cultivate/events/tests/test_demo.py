import pytest
from django.core.management import call_command

from cultivate.events.models import Event, Rsvp

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_coming_and_a_past_event():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: nothing more
    coming, past = (Event.objects.filter(community__slug="budget-reform")
                    .order_by("-starts_at"))
    assert Event.objects.count() == 2
    assert not coming.is_past and coming.learning_format.slug == "case-clinics"
    assert coming.agenda and Rsvp.objects.filter(event=coming, answer="going").count() == 3
    assert past.is_past and "<strong>six weeks</strong>" in past.notes_html and past.outputs

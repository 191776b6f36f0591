import pytest
from django.core.management import call_command

from cultivate.events.models import Event, Rsvp

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_coming_and_a_past_event():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: nothing more
    coming, past = (Event.objects.filter(community__slug="budget-reform", recurrence="")
                    .order_by("-starts_at"))
    assert Event.objects.count() == 3  # and the weekly clinic of community health's demo
    clinic = Event.objects.get(recurrence__startswith="FREQ=WEEKLY")
    assert clinic.attendances.exists() and clinic.recurrence_exceptions
    assert not coming.is_past and coming.learning_format.slug == "case-clinics"
    assert coming.agenda and Rsvp.objects.filter(event=coming, answer="going").count() == 3
    assert past.is_past and "<strong>six weeks</strong>" in past.notes_html and past.outputs

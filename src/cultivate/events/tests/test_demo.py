import pytest
from django.core.management import call_command
from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.events.models import Event, Rsvp

pytestmark = pytest.mark.django_db


def test_the_demo_has_coming_and_past_events_in_every_community():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # twice: nothing more
    coming, past = (Event.objects.filter(community__slug="budget-reform", recurrence="")
                    .order_by("-starts_at"))
    # budget reform's two, its weekly clinic (community health's demo), the facilitators'
    # harvested peer assist (live's demo) and one coming event in each other community
    assert Event.objects.count() == 10
    assert all(Event.objects.filter(community=c, ends_at__gt=timezone.now()).exists()
               for c in Community.objects.all())
    clinic = Event.objects.get(recurrence__startswith="FREQ=WEEKLY")
    assert clinic.attendances.exists() and clinic.recurrence_exceptions
    assert not coming.is_past and coming.learning_format.slug == "case-clinics"
    assert coming.agenda and Rsvp.objects.filter(event=coming, answer="going").count() == 3
    assert past.is_past and "<strong>six weeks</strong>" in past.notes_html and past.outputs

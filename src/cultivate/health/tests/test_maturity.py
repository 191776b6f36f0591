"""The maturity self-assessment: stewards (and the core group when invited) rate seven
dimensions; rounds are averaged and compared; bad ratings keep the draft."""

import pytest

from cultivate.communities.models import Membership
from cultivate.health.maturity import DIMENSION_KEYS
from cultivate.health.models import MaturityAssessment, MaturityRating


@pytest.fixture
def budget(make_user, make_community):
    people = {name: make_user(name) for name in ("ana", "fay", "cora", "ben", "sam")}
    community = make_community(people["ana"])
    for name, role in (("fay", "facilitator"), ("cora", "core"), ("ben", "member"),
                       ("sam", "sponsor")):
        Membership.objects.create(community=community, user=people[name], role=role)
    return {"community": community, **people}


def levels(value: int, **overrides) -> dict:
    return {**{key: str(value) for key in DIMENSION_KEYS}, **overrides}


def test_rounds_are_rated_averaged_and_compared(budget, signed_in):
    community = budget["community"]
    base = f"/c/{community.slug}/health/maturity/"
    ana, fay, cora = (signed_in(budget[n]) for n in ("ana", "fay", "cora"))
    assert ana.post(base + "open/", {"label": "2025"}).status_code == 302
    first = MaturityAssessment.objects.get()
    assert ana.post(f"{base}{first.pk}/rate/", levels(2)).status_code == 302
    assert fay.post(f"{base}{first.pk}/rate/", levels(3, rhythm="1")).status_code == 302
    assert cora.post(f"{base}{first.pk}/rate/", levels(5)).status_code == 403  # not invited
    ana.post(f"{base}{first.pk}/close/")
    ana.post(base + "open/", {"label": "2026", "include_core": "on"})
    second = MaturityAssessment.objects.exclude(pk=first.pk).get()
    assert cora.post(f"{base}{second.pk}/rate/", levels(4)).status_code == 302
    assert ana.post(f"{base}{second.pk}/rate/", levels(4, domain="5")).status_code == 302
    page = signed_in(budget["sam"]).get(base)  # sponsors read the comparison
    assert page.status_code == 200
    text = page.content.decode()
    assert '"type": "scatterpolar"' in text and "2025" in text and "2026" in text
    assert "2.5" in text and "4.5" in text  # domain: (2+3)/2 then (4+5)/2
    assert "1.5" in text  # rhythm in 2025: (2+1)/2
    assert signed_in(budget["ben"]).get(base).status_code == 403


def test_a_rating_with_a_missing_level_is_refused_and_kept(budget, signed_in):
    community = budget["community"]
    base = f"/c/{community.slug}/health/maturity/"
    ana = signed_in(budget["ana"])
    ana.post(base + "open/", {"label": "2026"})
    assessment = MaturityAssessment.objects.get()
    values = levels(3, sponsorship="", rhythm_note="Monthly clinics since March.")
    refused = ana.post(f"{base}{assessment.pk}/rate/", values)
    assert refused.status_code == 400
    assert "Choose a level from 1 to 5." in refused.content.decode()
    assert "Monthly clinics since March." in refused.content.decode()
    assert not MaturityRating.objects.exists()
    assert ana.post(base + "open/", {"label": "again"}).status_code == 409
    assert signed_in(budget["sam"]).post(base + "open/", {"label": "x"}).status_code == 403

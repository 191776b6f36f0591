"""Adapting formats: who may, what is checked, what is recorded."""

import pytest

from cultivate.activity.models import Activity
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.formats.actions import (
    FORMAT_ADAPTATION_REMOVED,
    FORMAT_ADAPTED,
    do_adapt_format,
    do_remove_adaptation,
)
from cultivate.formats.models import CommunityFormat, LearningFormat

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(catalogue):
    return LearningFormat.objects.get(slug="case-clinics")


@pytest.mark.parametrize(("who", "allowed"), [("ana", True), ("fay", True), ("ben", False),
                                              ("olga", False), ("root", True)])
def test_stewards_adapt_others_may_not(budget, people, make_user, clinic, who, allowed):
    actor = make_user("root", superuser=True) if who == "root" else people[who]
    if allowed:
        adaptation = do_adapt_format(actor=actor, community=budget, format=clinic,
                                     notes="Our way")
        assert adaptation.created and adaptation.adapted_by == actor
    else:
        with pytest.raises(NotAllowed) as refused:
            do_adapt_format(actor=actor, community=budget, format=clinic, notes="Our way")
        assert not refused.value.hide  # a public community: 403, not 404
        assert not CommunityFormat.objects.exists()


def test_outsiders_of_a_private_community_are_told_nothing(hidden, people, clinic):
    with pytest.raises(NotAllowed) as refused:
        do_adapt_format(actor=people["olga"], community=hidden, format=clinic, notes="x")
    assert refused.value.hide


def test_adapting_records_activity_and_renders_markdown(budget, people, clinic):
    adaptation = do_adapt_format(actor=people["fay"], community=budget, format=clinic,
                                 notes="  We use *two* rounds.\x00 ", roles="- **Host**",
                                 group_size_min=3, group_size_max=3)
    assert adaptation.notes == "We use *two* rounds."
    assert adaptation.notes_html == "<p>We use <em>two</em> rounds.</p>\n"
    assert "<strong>Host</strong>" in adaptation.roles_html
    assert adaptation.group_size_display == "3 people"
    assert adaptation.duration_display == clinic.duration_display
    activity = Activity.objects.get(verb=FORMAT_ADAPTED)
    assert activity.actor == people["fay"] and activity.community == budget
    assert activity.payload == {"format": "case-clinics", "created": True}
    again = do_adapt_format(actor=people["ana"], community=budget, format=clinic, notes="New")
    assert not again.created and again.pk == adaptation.pk and again.adapted_by == people["ana"]
    assert again.roles == "" and again.roles_html == "" and again.group_size_min is None
    do_remove_adaptation(actor=people["ana"], community=budget, format=clinic)
    assert Activity.objects.filter(verb=FORMAT_ADAPTATION_REMOVED).count() == 1
    with pytest.raises(NotAllowed):
        do_remove_adaptation(actor=people["ana"], community=budget, format=clinic)


def test_script_markup_is_sanitised(budget, people, clinic):
    adaptation = do_adapt_format(actor=people["fay"], community=budget, format=clinic,
                                 notes="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in adaptation.notes_html and 'href="javascript' not in (
        adaptation.notes_html)


@pytest.mark.parametrize(("values", "field"), [
    ({"notes": ""}, "notes"), ({"notes": "x" * 20_001}, "notes"),
    ({"notes": "ok", "roles": "y" * 10_001}, "roles"),
    ({"notes": "ok", "duration_min": 0}, "duration_min"),
    ({"notes": "ok", "duration_min": True}, "duration_min"),
    ({"notes": "ok", "duration_max": "60"}, "duration_max"),
    ({"notes": "ok", "duration_min": 90, "duration_max": 30}, "duration_max"),
    ({"notes": "ok", "group_size_max": 10_001}, "group_size_max"),
])
def test_bad_values_are_refused_with_the_field(budget, people, clinic, values, field):
    with pytest.raises(ActionError) as refused:
        do_adapt_format(actor=people["fay"], community=budget, format=clinic, **values)
    assert field in refused.value.fields
    assert not CommunityFormat.objects.exists() and not Activity.objects.filter(
        verb=FORMAT_ADAPTED).exists()


def test_adaptation_search_document(budget, people, clinic):
    adaptation = do_adapt_format(actor=people["fay"], community=budget, format=clinic,
                                 notes="Every **Tuesday** &amp; online", roles="- Host: fay")
    title, body = adaptation.search_document()
    assert title == "Case clinics in Budget Practitioners"
    assert "Every Tuesday & online" in body and "Host: fay" in body and "<" not in body
    assert adaptation.get_absolute_url() == "/c/budget-practitioners/formats/case-clinics/"

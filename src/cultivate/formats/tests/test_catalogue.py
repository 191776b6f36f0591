"""The catalogue that comes with Cultivate: what the data migration loads."""

import pytest

from cultivate.formats.builtin import FORMATS, load_builtin_formats
from cultivate.formats.models import (
    Formality,
    FormatPurpose,
    LearningFormat,
    Purpose,
    Source,
    describe_group,
    describe_minutes,
)

pytestmark = pytest.mark.django_db

# The learning activities seed 004 names, in its three lists.
SEED_004 = [
    "Guests", "Field trips", "Practice fairs", "Demonstrations", "Documenting practice",
    "Case studies", "Problem solving", "Reading group", "Joint response", "Learning projects",
    "Exchange tips", "Point to resources", "Follow the leader", "Hot topic discussions",
    "Explore ideas", "Review projects", "Case clinics", "Help desk", "Mutual benchmarking",
    "Peer assist", "Q&A", "Role play", "Share documents", "Training and workshops",
    "Joint events", "Invite speakers", "Systematic scans", "External benchmarks",
    "Boundary collaboration",
]


def test_the_migration_loads_at_least_thirty_formats_with_every_field_filled():
    # No fixture here: these rows come from migration 0002 alone.
    formats = list(LearningFormat.objects.prefetch_related("purposes", "related"))
    assert len(formats) >= 30
    for fmt in formats:
        assert fmt.is_builtin, fmt.slug
        for field in ("name", "slug", "summary", "description", "when_to_use", "steps", "roles",
                      "outputs"):
            assert getattr(fmt, field).strip(), (fmt.slug, field)
        for field in LearningFormat.MARKDOWN_FIELDS:
            assert getattr(fmt, f"{field}_html").strip(), (fmt.slug, field)
        assert 1 <= fmt.duration_min <= fmt.duration_max, fmt.slug
        assert fmt.group_size_min >= 1, fmt.slug
        assert fmt.group_size_max is None or fmt.group_size_max >= fmt.group_size_min
        assert fmt.source in Source.values and fmt.formality in Formality.values
        assert fmt.purpose_values and set(fmt.purpose_values) <= set(Purpose.values), fmt.slug
        assert fmt.related.exists(), fmt.slug
        assert fmt.get_absolute_url() == f"/formats/{fmt.slug}/"


def test_every_format_named_in_seed_004_is_there_plus_more():
    names = set(LearningFormat.objects.values_list("name", flat=True))
    assert set(SEED_004) <= names
    assert len(names - set(SEED_004)) >= 1
    assert "After-action review" in names


def test_formats_are_practical_guidance_not_one_liners():
    for fmt in LearningFormat.objects.all():
        assert fmt.steps_html.count("<li>") >= 5, fmt.slug  # a numbered list of real steps
        assert "<ol>" in fmt.steps_html, fmt.slug
        assert fmt.when_to_use_html.count("<li>") >= 3, fmt.slug
        assert fmt.roles_html.count("<li>") >= 2, fmt.slug
        assert fmt.outputs_html.count("<li>") >= 2, fmt.slug
        words = sum(len(getattr(fmt, f).split()) for f in LearningFormat.MARKDOWN_FIELDS)
        assert words >= 200, (fmt.slug, words)


def test_seed_lists_set_source_and_formality():
    by_name = {f.name: f for f in LearningFormat.objects.all()}
    # "informal to formal": the list runs from tips to benchmarking.
    assert by_name["Exchange tips"].formality == Formality.VERY_INFORMAL
    assert by_name["Point to resources"].formality == Formality.VERY_INFORMAL
    assert by_name["Mutual benchmarking"].formality == Formality.FORMAL
    assert (by_name["Exchange tips"].formality < by_name["Hot topic discussions"].formality
            < by_name["Case clinics"].formality < by_name["Help desk"].formality)
    # "each other and outside sources": from peer assist to boundary collaboration.
    for name in ("Peer assist", "Q&A", "Role play", "Share documents", "Case clinics"):
        assert by_name[name].source == Source.EACH_OTHER, name
    for name in ("Invite speakers", "Systematic scans", "External benchmarks",
                 "Boundary collaboration", "Guests"):
        assert by_name[name].source == Source.OUTSIDE, name
    for name in ("Training and workshops", "Joint events", "Reading group"):
        assert by_name[name].source == Source.BOTH, name


def test_related_formats_are_symmetric():
    clinic = LearningFormat.objects.get(slug="case-clinics")
    assist = LearningFormat.objects.get(slug="peer-assist")
    assert assist in clinic.related.all() and clinic in assist.related.all()
    for fmt in LearningFormat.objects.prefetch_related("related"):
        for other in fmt.related.all():
            assert other.related.filter(pk=fmt.pk).exists(), (fmt.slug, other.slug)


def test_loading_again_changes_nothing_and_leaves_admin_formats_alone():
    count = LearningFormat.objects.count()
    purposes = FormatPurpose.objects.count()
    clinic = LearningFormat.objects.get(slug="case-clinics")
    clinic.summary = "Edited by an admin"
    clinic.save()
    own = LearningFormat.objects.create(
        name="Walkshop", slug="walkshop", summary="Talk while walking.", when_to_use="- x",
        steps="1. Walk", roles="- all", outputs="- ideas", duration_min=30, duration_max=60,
        group_size_min=2, source="each_other", formality=2)
    assert load_builtin_formats(LearningFormat, FormatPurpose) == len(FORMATS)
    assert LearningFormat.objects.count() == count + 1
    assert FormatPurpose.objects.count() == purposes
    clinic.refresh_from_db()
    assert clinic.summary != "Edited by an admin"  # built-ins are refreshed from the data file
    own.refresh_from_db()
    assert not own.is_builtin and own.summary == "Talk while walking."


def test_slugs_and_related_slugs_in_the_data_file_are_consistent():
    slugs = [entry["slug"] for entry in FORMATS]
    assert len(slugs) == len(set(slugs))
    for entry in FORMATS:
        assert set(entry["related"]) <= set(slugs), entry["slug"]
        assert entry["slug"] not in entry["related"]
        assert entry["slug"] != "adapt"  # /c/<slug>/formats/adapt/ is the chooser


def test_search_document_is_plain_text():
    fmt = LearningFormat.objects.get(slug="case-clinics")
    title, body = fmt.search_document()
    assert title == "Case clinics"
    assert "precise question" in body and "<" not in body and "**" not in body
    assert fmt.summary in body


def test_durations_and_group_sizes_read_naturally():
    assert describe_minutes(60, 90) == "60–90 minutes"
    assert describe_minutes(120, 480) == "2–8 hours"
    assert describe_minutes(30, 30) == "30 minutes"
    assert describe_minutes(180, 180) == "3 hours"
    assert describe_minutes(None, None) == ""
    assert describe_group(4, 12) == "4–12 people"
    assert describe_group(2, None) == "2 or more people"
    assert describe_group(None, 8) == "up to 8 people"
    assert describe_group(1, 1) == "1 person"

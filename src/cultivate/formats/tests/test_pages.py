"""The catalogue, format and community pages, and adapting a format through them."""

import re

import pytest

from cultivate.activity.models import Activity
from cultivate.formats.actions import FORMAT_ADAPTED, do_adapt_format
from cultivate.formats.models import CommunityFormat, LearningFormat

pytestmark = pytest.mark.django_db


def names_on(html: str) -> set[str]:
    return set(re.findall(r'<h2><a href="/formats/[-\w]+/">([^<]+)</a></h2>', html))


def test_catalogue_lists_every_format(client, catalogue):
    page = client.get("/formats/").content.decode()
    found = names_on(page)
    assert len(found) == LearningFormat.objects.count() >= 30
    assert "Case clinics" in found and "Q&amp;A" in found


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("purpose=keep_up", {"Systematic scans", "Invite speakers"}, {"Role play"}),
    ("formality=5", {"Mutual benchmarking", "External benchmarks"}, {"Exchange tips"}),
    ("source=outside", {"Guests", "Systematic scans"}, {"Peer assist"}),
    ("q=clinic", {"Case clinics"}, {"Peer assist"}),
    ("q=CASE", {"Case clinics", "Case studies"}, {"Help desk"}),
    ("source=each_other&formality=1", {"Exchange tips", "Share documents"},
     {"Point to resources", "Help desk"}),
])
def test_catalogue_filters_without_javascript(client, catalogue, query, expected, absent):
    response = client.get(f"/formats/?{query}")
    assert response.status_code == 200
    found = names_on(response.content.decode())
    assert expected <= found and not (absent & found), found


def test_the_filter_form_keeps_the_choices(client, catalogue):
    page = client.get("/formats/?purpose=innovate&formality=2&source=both").content.decode()
    assert '<option value="innovate" selected>' in page
    assert '<option value="2" selected>' in page
    assert '<option value="both" selected>' in page
    assert 'hx-get="/formats/"' in page and 'role="search"' in page


def test_htmx_gets_only_the_results(client, catalogue):
    response = client.get("/formats/?formality=5", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Mutual benchmarking" in html
    assert "Exchange tips" not in html


@pytest.mark.parametrize("query", ["purpose=world_peace", "formality=9", "formality=x",
                                   "source=moon", "page=abc", "page=-3", "formality=1.5"])
def test_bad_filter_values_are_ignored_on_the_page(client, catalogue, query):
    everything = names_on(client.get("/formats/").content.decode())
    response = client.get(f"/formats/?{query}")
    assert response.status_code == 200
    assert names_on(response.content.decode()) == everything


def test_odd_words_find_nothing_and_nul_is_refused(client, catalogue):
    response = client.get("/formats/?q=" + "x" * 500)
    assert response.status_code == 200 and names_on(response.content.decode()) == set()
    assert client.get("/formats/?q=%00").status_code == 400


def test_unknown_filter_values_show_everything(client, catalogue):
    found = names_on(client.get("/formats/?purpose=nope&source=moon&formality=0").content
                     .decode())
    assert len(found) == LearningFormat.objects.count()


def test_format_page_shows_every_field(client, catalogue):
    fmt = LearningFormat.objects.get(slug="case-clinics")
    page = client.get("/formats/case-clinics/").content.decode()
    for part in ("When to use it", "How to run it", "Roles", "Typical outputs", "Purposes",
                 "Formality", "Session", "Group size", "Related formats", "With each other",
                 "60–90 minutes", "4–12 people", "Semi-structured (3 of 5",
                 "Help each other solve problems", fmt.summary):
        assert part in page, part
    assert fmt.steps_html in page and fmt.roles_html in page and fmt.outputs_html in page
    assert '<a href="/formats/peer-assist/">Peer assist</a>' in page


def test_unknown_format_is_404(client, catalogue):
    assert client.get("/formats/no-such-format/").status_code == 404


def test_facilitator_adapts_a_format_through_the_pages(signed_in, budget, people):
    fay = signed_in(people["fay"])
    page = fay.get("/c/budget-practitioners/formats/").content.decode()
    assert "Adapt a format" in page and '<option value="case-clinics">' in page
    chosen = fay.get("/c/budget-practitioners/formats/adapt/?format=case-clinics")
    assert chosen.status_code == 302
    assert chosen["Location"] == "/c/budget-practitioners/formats/case-clinics/adapt/"
    form = fay.get(chosen["Location"]).content.decode()
    assert 'name="notes"' in form and "60–90 minutes" in form
    saved = fay.post(chosen["Location"], {
        "notes": "Every second **Tuesday**, one case, online.", "roles": "",
        "duration_min": "45", "duration_max": "60", "group_size_min": "", "group_size_max": ""})
    assert saved.status_code == 302
    assert saved["Location"] == "/c/budget-practitioners/formats/case-clinics/"
    adaptation = CommunityFormat.objects.get()
    assert adaptation.adapted_by == people["fay"] and adaptation.duration_max == 60
    assert adaptation.group_size_min is None
    shown = fay.get(saved["Location"]).content.decode()
    assert "<strong>Tuesday</strong>" in shown and "45–60 minutes" in shown
    assert "4–12 people" in shown and "as in the catalogue" in shown
    listing = fay.get("/c/budget-practitioners/formats/").content.decode()
    assert "Case clinics" in listing and '<option value="case-clinics">' not in listing
    assert Activity.objects.filter(verb=FORMAT_ADAPTED, community=budget).count() == 1

    again = fay.get(chosen["Location"]).content.decode()
    assert "Every second **Tuesday**" in again and 'value="45"' in again
    fay.post(chosen["Location"], {"notes": "Now monthly."})
    adaptation.refresh_from_db()
    assert adaptation.notes == "Now monthly." and adaptation.duration_min is None
    assert CommunityFormat.objects.count() == 1

    removed = fay.post("/c/budget-practitioners/formats/case-clinics/remove/")
    assert removed.status_code == 302 and not CommunityFormat.objects.exists()
    assert fay.post("/c/budget-practitioners/formats/case-clinics/remove/").status_code == 404


def test_members_read_adaptations_and_may_not_adapt(signed_in, budget, people):
    do_adapt_format(actor=people["ana"], community=budget,
                    format=LearningFormat.objects.get(slug="help-desk"), notes="Rota of two.")
    ben = signed_in(people["ben"])
    listing = ben.get("/c/budget-practitioners/formats/").content.decode()
    assert "Help desk" in listing and "Adapt a format" not in listing
    page = ben.get("/c/budget-practitioners/formats/help-desk/").content.decode()
    assert "Rota of two." in page and "Remove from our formats" not in page
    assert ben.get("/c/budget-practitioners/formats/help-desk/adapt/").status_code == 403
    refused = ben.post("/c/budget-practitioners/formats/help-desk/adapt/", {"notes": "Mine"})
    assert refused.status_code == 403
    assert ben.post("/c/budget-practitioners/formats/help-desk/remove/").status_code == 403
    assert ben.get("/c/budget-practitioners/formats/adapt/?format=q-and-a").status_code == 403
    assert CommunityFormat.objects.get().notes == "Rota of two."
    home = ben.get("/c/budget-practitioners/").content.decode()
    assert 'href="/c/budget-practitioners/formats/"' in home


def test_anonymous_visitors_read_a_public_communitys_formats_but_must_sign_in_to_adapt(
        client, budget, people):
    do_adapt_format(actor=people["ana"], community=budget,
                    format=LearningFormat.objects.get(slug="help-desk"), notes="Rota of two.")
    assert "Help desk" in client.get("/c/budget-practitioners/formats/").content.decode()
    assert client.get("/c/budget-practitioners/formats/help-desk/").status_code == 200
    response = client.get("/c/budget-practitioners/formats/help-desk/adapt/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_private_communitys_formats_stay_hidden_from_outsiders(client, signed_in, hidden,
                                                                 people):
    do_adapt_format(actor=people["ana"], community=hidden,
                    format=LearningFormat.objects.get(slug="story-circle"),
                    notes="Secret circle notes")
    olga = signed_in(people["olga"])
    for visitor in (olga, client):
        assert visitor.get("/c/quiet-circle/formats/").status_code == 404
        assert visitor.get("/c/quiet-circle/formats/story-circle/").status_code == 404
        page = visitor.get("/formats/story-circle/").content.decode()
        assert "Quiet Circle" not in page and "/c/quiet-circle/" not in page
    assert olga.get("/c/quiet-circle/formats/story-circle/adapt/").status_code == 404
    assert olga.post("/c/quiet-circle/formats/story-circle/adapt/",
                     {"notes": "x"}).status_code == 404
    ana_page = signed_in(people["ana"]).get("/formats/story-circle/").content.decode()
    assert "Quiet Circle" in ana_page and "/c/quiet-circle/formats/story-circle/" in ana_page


def test_a_listed_communitys_formats_are_for_members(signed_in, budget, people, make_community):
    listed = make_community(people["ana"], name="Listed Ones", visibility="listed")
    assert signed_in(people["olga"]).get("/c/listed-ones/formats/").status_code == 403
    assert signed_in(people["ana"]).get("/c/listed-ones/formats/").status_code == 200
    assert listed.slug == "listed-ones"


def test_steward_sees_adapt_links_on_the_format_page(signed_in, budget, people):
    page = signed_in(people["fay"]).get("/formats/peer-assist/").content.decode()
    assert "/c/budget-practitioners/formats/peer-assist/adapt/" in page
    page = signed_in(people["ben"]).get("/formats/peer-assist/").content.decode()
    assert "/adapt/" not in page


def test_bad_input_on_the_adapt_form_keeps_the_draft(signed_in, budget, people):
    fay = signed_in(people["fay"])
    url = "/c/budget-practitioners/formats/role-play/adapt/"
    too_long = fay.post(url, {"notes": "x" * 20_001})
    assert too_long.status_code == 200 and "at most 20000 characters" in too_long.content.decode()
    empty = fay.post(url, {"notes": "   "})
    assert empty.status_code == 200 and 'class="error"' in empty.content.decode()
    reversed_sizes = fay.post(url, {"notes": "Keep my draft", "group_size_min": "12",
                                    "group_size_max": "3"})
    page = reversed_sizes.content.decode()
    assert reversed_sizes.status_code == 200 and "Keep my draft" in page
    assert "at least the smallest value" in page
    garbage = fay.post(url, {"notes": "ok", "duration_min": "soon", "duration_max": "-5",
                             "group_size_max": "99999999"})
    assert garbage.status_code == 200
    assert not CommunityFormat.objects.exists()


def test_unknown_format_or_community_on_adapt_pages_is_404(signed_in, budget, people):
    fay = signed_in(people["fay"])
    assert fay.get("/c/budget-practitioners/formats/no-such/adapt/").status_code == 404
    assert fay.post("/c/budget-practitioners/formats/no-such/adapt/",
                    {"notes": "x"}).status_code == 404
    assert fay.get("/c/budget-practitioners/formats/adapt/?format=no-such").status_code == 404
    assert fay.get("/c/budget-practitioners/formats/no-such/").status_code == 404
    assert fay.get("/c/budget-practitioners/formats/peer-assist/").status_code == 404
    assert fay.get("/c/nowhere/formats/").status_code == 404
    empty = fay.get("/c/budget-practitioners/formats/adapt/")
    assert empty.status_code == 302 and empty["Location"] == "/c/budget-practitioners/formats/"


def test_header_links_to_the_catalogue(client, catalogue):
    assert '<a href="/formats/">' in client.get("/formats/").content.decode()


def test_catalogue_query_counts_are_pinned(client, signed_in, budget, hidden, people,
                                           make_community, django_assert_max_num_queries):
    clinic = LearningFormat.objects.get(slug="case-clinics")
    for number in range(6):
        community = make_community(people["fay"], name=f"Circle {number}")
        do_adapt_format(actor=people["fay"], community=community, format=clinic, notes="Ours")
    do_adapt_format(actor=people["ana"], community=hidden, format=clinic, notes="Ours")
    # The count, one page of formats, their purposes; plus session and user when signed in.
    with django_assert_max_num_queries(3):
        assert client.get("/formats/?purpose=reflect").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/formats/").status_code == 200
    fay = signed_in(people["fay"])
    with django_assert_max_num_queries(5):
        assert fay.get("/formats/?formality=3&source=each_other").status_code == 200
    # A format: itself, purposes, related, readable adaptations, the viewer's communities.
    with django_assert_max_num_queries(5):
        assert client.get("/formats/case-clinics/").status_code == 200
    with django_assert_max_num_queries(7):
        page = fay.get("/formats/case-clinics/").content.decode()
    assert page.count("/formats/case-clinics/adapt/") == 7  # budget and her six circles


def test_community_formats_page_query_count_does_not_grow(signed_in, budget, people,
                                                          django_assert_max_num_queries):
    for fmt in LearningFormat.objects.all()[:12]:
        do_adapt_format(actor=people["ana"], community=budget, format=fmt, notes="Our way.")
    fay = signed_in(people["fay"])
    # Session, user, community, role, the formats left to adapt, the adaptations.
    with django_assert_max_num_queries(6):
        assert fay.get("/c/budget-practitioners/formats/").status_code == 200
    # Session, user, community, role, the adaptation with its format and author, and value
    # creation's "I applied this" (whether the reader may apply, and the count).
    with django_assert_max_num_queries(7):
        assert fay.get(f"/c/budget-practitioners/formats/{fmt.slug}/").status_code == 200

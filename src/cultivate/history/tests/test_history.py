"""Earlier text of charters, cases for membership, resources and events: kept on every edit,
readable (with a diff) by whoever may read the object, and by nobody else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.communities.actions import do_update_community
from cultivate.communities.models import Membership
from cultivate.events.actions import do_change_event, do_plan_event, do_record_event_outcome
from cultivate.history.models import TextRevision
from cultivate.resources.actions import do_add_resource, do_edit_resource


@pytest.fixture
def circle(make_user, make_community):
    ana, fay, olga = make_user("ana"), make_user("fay"), make_user("olga")
    community = make_community(ana, name="Treasury Circle", visibility="private",
                               join_policy="invitation",
                               charter_domain="Cash forecasting in treasuries.")
    Membership.objects.create(community=community, user=fay, role="facilitator")
    return community, ana, fay, olga


def _history_url(obj) -> str:
    return f"/history/{obj._meta.label_lower}/{obj.pk}/"


@pytest.mark.django_db
def test_editing_a_charter_twice_keeps_both_earlier_texts(circle, signed_in):
    community, ana, fay, _olga = circle
    do_update_community(actor=ana, community=community,
                        charter_domain="Cash forecasting and debt management.")
    do_update_community(actor=fay, community=community, charter_domain="Debt management.",
                        case_why="You learn from peers.")
    kept = TextRevision.objects.filter(object_id=community.pk, field="charter_domain")
    assert [(r.previous, r.edited_by.username) for r in kept] == [
        ("Cash forecasting and debt management.", "fay"),
        ("Cash forecasting in treasuries.", "ana")]
    # The case for membership was empty before: its history says so too.
    assert TextRevision.objects.get(field="case_why").previous == ""
    # Settings that are not text keep no revision.
    do_update_community(actor=ana, community=community, stage="maturing")
    assert TextRevision.objects.count() == 3


@pytest.mark.django_db
def test_the_history_page_shows_what_changed_and_who_changed_it(circle, signed_in):
    community, ana, fay, _olga = circle
    do_update_community(actor=fay, community=community,
                        charter_domain="Cash forecasting in treasuries.\nDebt <b>management</b>.")
    home = signed_in(ana).get(f"/c/{community.slug}/").content.decode()
    assert f'href="{_history_url(community)}"' in home
    page = signed_in(ana).get(_history_url(community))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<span>Cash forecasting in treasuries.</span>" in text
    assert "<ins>Debt &lt;b&gt;management&lt;/b&gt;.</ins>" in text  # escaped, never markup
    assert "changed by fay" in text and "Domain" in text


@pytest.mark.django_db
def test_an_outsider_cannot_read_a_private_communitys_history(circle, signed_in, client):
    community, ana, _fay, olga = circle
    do_update_community(actor=ana, community=community, charter_domain="Secret plans.")
    assert signed_in(olga).get(_history_url(community)).status_code == 404
    assert client.get(_history_url(community)).status_code == 404
    api = signed_in(olga).get(f"/api/v1/history/communities.community/{community.pk}")
    assert api.status_code == 404
    assert "Cash forecasting" not in api.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/history/people.user/1/", "/history/nothing/1/",
                                  "/history/communities.community/99999/",
                                  "/history/communities.community/99999999999999999999999/"])
def test_unknown_kinds_and_ids_answer_404(circle, signed_in, path):
    assert signed_in(circle[1]).get(path).status_code == 404
    assert signed_in(circle[1]).get(path + "%00").status_code == 400


@pytest.mark.django_db
def test_resources_keep_their_earlier_title_summary_and_guide(circle, signed_in, settings,
                                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community, ana, fay, _olga = circle
    guide = do_add_resource(actor=fay, community=community, form="guide",
                            title="Running a case clinic", summary="How we run ours.",
                            language="en", body="1. Invite a case owner")
    do_edit_resource(actor=ana, resource=guide, summary="How we run ours.",
                     body="1. Invite a case owner\n2. Listen")
    assert list(TextRevision.objects.values_list("field", "previous")) == [
        ("body", "1. Invite a case owner")]
    detail = signed_in(fay).get(guide.get_absolute_url()).content.decode()
    assert f'href="{_history_url(guide)}"' in detail
    listed = signed_in(fay).get(f"/api/v1/history/resources.resource/{guide.pk}").json()
    assert [(r["field"], r["previous"], r["replaced_by"], r["edited_by"]["username"])
            for r in listed] == [("body", "1. Invite a case owner",
                                  "1. Invite a case owner\n2. Listen", "ana")]


@pytest.mark.django_db
def test_events_keep_their_earlier_description_and_notes(circle, signed_in):
    community, ana, _fay, olga = circle
    starts = timezone.now() - timedelta(hours=1)
    event = do_plan_event(actor=ana, community=community, title="Case clinic",
                          starts_at=starts, ends_at=starts + timedelta(hours=2),
                          time_zone="UTC", description="Bring a circular.")
    do_change_event(actor=ana, event=event, description="Bring two circulars.")
    do_record_event_outcome(ana, event, notes="We read one.")
    do_record_event_outcome(ana, event, notes="We read both.")
    assert list(TextRevision.objects.order_by("pk").values_list("field", "previous")) == [
        ("description", "Bring a circular."), ("notes", ""), ("notes", "We read one.")]
    page = signed_in(ana).get(_history_url(event)).content.decode()
    assert "<del>We read one.</del>" in page and "<ins>We read both.</ins>" in page
    assert signed_in(olga).get(_history_url(event)).status_code == 404

"""A member erases their account: ask, cancel within the grace period, carried out after it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from cultivate.activity.models import Activity
from cultivate.communities.actions import do_change_role, do_join_community
from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_reply, do_start_topic
from cultivate.conversations.models import Post, Topic
from cultivate.people.actions import do_create_access_token
from cultivate.people.models import ErasureRequest, ErasureStatus, PersonalAccessToken, User
from cultivate.people.mydata.erasure import carry_out_due_erasures, do_request_erasure
from cultivate.practice.actions import do_create_method, do_edit_method

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_community):
    ana = make_user("ana", display_name="Ana Ortega")
    ben = make_user("benedikt", display_name="Benedikt Brandauer", organisation="Finanzamt")
    community = make_community(ana)
    do_join_community(actor=ben, community=community)
    topic = do_start_topic(actor=ben, community=community, title="Ceilings",
                           body="Benedikt explains expenditure ceilings.")
    do_reply(actor=ana, topic=topic, body="Ana answers about ceilings.")
    reply = do_reply(actor=ben, topic=topic, body="Benedikt thanks Ana.")
    lonely = do_start_topic(actor=ben, community=community, title="Nobody answered",
                            body="Benedikt asks into the void.")
    return {"ana": ana, "ben": ben, "community": community, "topic": topic, "reply": reply,
            "lonely": lonely}


def _due_now(user):
    ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).update(
        due_at=timezone.now() - timedelta(minutes=1))


def _bodies(smtp_server):
    return [(m["To"], m["Subject"], m.get_body(("plain",)).get_content())
            for m in smtp_server.messages]


def test_ask_on_the_page_then_signing_in_cancels(world, signed_in, smtp_server,
                                                   django_capture_on_commit_callbacks):
    client = signed_in(world["ben"])
    page = client.get("/me/data/").content.decode()
    assert "Erase my account" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/data/erasure/", {"mode": "keep", "confirm": "on"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get(user=world["ben"])
    assert request.status == ErasureStatus.PENDING
    assert timedelta(days=13, hours=23) < request.due_at - timezone.now() <= timedelta(days=14)
    assert client.get("/me/data/").status_code == 302  # signed out
    (to, subject, body), = _bodies(smtp_server)
    assert to == "benedikt@example.org" and "erased" in subject
    assert date_format(request.due_at, "DATE_FORMAT") in body and "Sign in before" in body

    with django_capture_on_commit_callbacks(execute=True):
        assert client.login(username="benedikt", password="a-long-passphrase")
    request.refresh_from_db()
    assert request.status == ErasureStatus.CANCELLED
    assert "cancelled" in _bodies(smtp_server)[-1][2]
    _due_now(world["ben"])
    assert carry_out_due_erasures() == (0, 0)
    assert User.objects.get(pk=world["ben"].pk).is_active


def test_the_form_needs_a_choice_and_a_confirmation(world, signed_in):
    client = signed_in(world["ben"])
    response = client.post("/me/data/erasure/", {"mode": "everything"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_the_only_convener_is_told_to_hand_over_first(world, signed_in):
    client = signed_in(world["ana"])
    response = client.post("/me/data/erasure/", {"mode": "keep", "confirm": "on"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "only convener of Budget Practitioners" in text
    assert not ErasureRequest.objects.exists()
    membership = Membership.objects.get(user=world["ben"])
    do_change_role(actor=world["ana"], membership=membership, role="convener")
    assert client.post("/me/data/erasure/", {"mode": "keep", "confirm": "on"}).status_code == 302


def test_kept_contributions_show_a_former_member_and_analytics_stay(
        world, signed_in, smtp_server, django_capture_on_commit_callbacks):
    ben, community, topic = world["ben"], world["community"], world["topic"]
    open_session = signed_in(ben)
    _token, secret = do_create_access_token(actor=ben, name="script")
    activity_before = Activity.objects.filter(community=community).count()
    by_ben_before = Activity.objects.filter(actor=ben).count()
    do_request_erasure(actor=ben, mode="keep")
    call_command("erase_due_accounts", verbosity=0)  # not due yet: nothing happens
    assert User.objects.get(pk=ben.pk).is_active
    _due_now(ben)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_due_accounts", verbosity=0)

    erased = User.objects.get(pk=ben.pk)
    assert erased.username.startswith("former-member-") and not erased.is_active
    assert erased.email == "" and erased.display_name == "" and erased.organisation == ""
    assert not erased.has_usable_password()
    assert not PersonalAccessToken.objects.filter(user=ben, revoked_at__isnull=True).exists()
    assert not Membership.objects.filter(user=ben).exists()
    assert ErasureRequest.objects.get(user=ben).status == ErasureStatus.DONE
    assert Activity.objects.filter(community=community).count() == activity_before
    assert Activity.objects.filter(actor=ben).count() == by_ben_before + 2  # asked, erased

    visitor = Client()
    assert visitor.get("/people/benedikt/").status_code == 404
    assert visitor.get(f"/people/{erased.username}/").status_code == 404
    page = visitor.get(topic.get_absolute_url()).content.decode()
    assert "Benedikt explains expenditure ceilings." in page
    assert "a former member" in page
    assert "Benedikt Brandauer" not in page and "benedikt" not in page.replace(
        "Benedikt explains", "").replace("Benedikt thanks", "")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401
    assert not Client().login(username="benedikt", password="a-long-passphrase")
    assert open_session.get("/me/data/").status_code == 302  # the session ended
    for url in (f"/c/{community.slug}/", f"/c/{community.slug}/members/",
                f"/api/v1/communities/{community.slug}/topics/{topic.pk}"):
        shown = visitor.get(url)
        assert shown.status_code == 200, url
        text = shown.content.decode()
        assert "Brandauer" not in text and "/benedikt" not in text
    assert "a former member" in text  # the topic in the API names its author so
    assert smtp_server.messages[-1]["To"] == "benedikt@example.org"
    assert "was erased" in smtp_server.messages[-1]["Subject"]


def test_deleted_contributions_leave_what_others_built_on(world, make_user):
    ben, ana, community = world["ben"], world["ana"], world["community"]
    own_method = do_create_method(actor=ben, community=community, title="Zero-based review",
                                  brief="Benedikt's method.")
    shared = do_create_method(actor=ben, community=community, title="Spending review",
                              brief="Benedikt's first draft.")
    do_edit_method(actor=ana, method=shared, base_version=shared.version,
                   title="Spending review", brief="Ana improved it.")
    activity_before = Activity.objects.filter(community=community).count()
    do_request_erasure(actor=ben, mode="delete")
    _due_now(ben)
    assert carry_out_due_erasures() == (1, 0)

    assert not Topic.objects.filter(pk=world["lonely"].pk).exists()
    topic = Topic.objects.get(pk=world["topic"].pk)  # Ana replied: it stays
    opening = Post.objects.get(topic=topic, is_opening=True)
    assert opening.body == "" and opening.deleted_at is not None
    reply = Post.objects.get(pk=world["reply"].pk)
    assert reply.body == "" and reply.deleted_at is not None
    assert Post.objects.get(topic=topic, author=ana).body == "Ana answers about ceilings."
    page = Client().get(topic.get_absolute_url()).content.decode()
    assert "Ana answers about ceilings." in page and "Benedikt" not in page
    from cultivate.practice.models import Method

    assert not Method.objects.filter(pk=own_method.pk).exists()
    assert Method.objects.filter(pk=shared.pk).exists()
    assert Activity.objects.filter(community=community).count() == activity_before


def test_the_api_asks_shows_and_cancels(world):
    _token, secret = do_create_access_token(actor=world["ben"], name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/me/erasure").status_code == 404
    bad = client.post("/api/v1/me/erasure", {"mode": "all"}, content_type="application/json")
    assert bad.status_code == 422 and "mode" in bad.json()["error"]["fields"]
    created = client.post("/api/v1/me/erasure", {"mode": "delete"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    again = client.post("/api/v1/me/erasure", {"mode": "keep"}, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/v1/me/erasure").json()["mode"] == "delete"
    cancelled = client.delete("/api/v1/me/erasure")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.delete("/api/v1/me/erasure").status_code == 404
    assert Client().post("/api/v1/me/erasure", {"mode": "keep"},
                         content_type="application/json").status_code == 401
    ana_token = do_create_access_token(actor=world["ana"], name="s")[1]
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {ana_token}").post(
        "/api/v1/me/erasure", {"mode": "keep"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "last_convener"


def test_admin_deletion_goes_through_erasure(world, make_user, signed_in):
    admin = make_user("root", superuser=True)
    client = signed_in(admin)
    ben = world["ben"]
    assert client.get(f"/admin/people/user/{ben.pk}/delete/").status_code == 403
    response = client.post("/admin/people/user/", {
        "action": "erase_accounts", "_selected_action": [ben.pk]})
    assert response.status_code == 302
    erased = User.objects.get(pk=ben.pk)
    assert erased.is_erased and erased.username.startswith("former-member-")
    assert Topic.objects.get(pk=world["topic"].pk).author_id == ben.pk  # kept, pseudonymised
    listing = client.get("/admin/people/erasurerequest/").content.decode()
    assert erased.username in listing


def test_an_admin_carries_out_a_pending_request_at_once(world, make_user, signed_in):
    admin = make_user("root", superuser=True)
    do_request_erasure(actor=world["ben"], mode="keep")
    pending = ErasureRequest.objects.get()
    response = signed_in(admin).post("/admin/people/erasurerequest/", {
        "action": "carry_out_now", "_selected_action": [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == ErasureStatus.DONE
    audit = signed_in(admin).get("/audit/?verb=account.").content.decode()
    assert "account.erased" in audit and pending.pseudonym in audit and "ben" not in audit


def test_an_erased_imported_account_has_no_profile_either(make_user):
    admin = make_user("root", superuser=True)
    placeholder = User.objects.create(username="alma", display_name="Alma Imported",
                                      placeholder_ref="stackexchange:meta:user:7",
                                      is_active=False)
    assert Client().get("/people/alma/").status_code == 200
    from cultivate.people.mydata.erasure import do_erase_account_now

    do_erase_account_now(actor=admin, user=placeholder)
    placeholder.refresh_from_db()
    assert Client().get(f"/people/{placeholder.username}/").status_code == 404
    assert Client().get(f"/api/v1/people/{placeholder.username}").status_code == 404

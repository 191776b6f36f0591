"""Claiming imported placeholder accounts: the claim, the review, the merge, and re-imports."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from cultivate import policy
from cultivate.activity.models import Activity
from cultivate.communities.models import Community, JoinRequest, Membership, Role
from cultivate.conversations.importing import do_import_stackexchange
from cultivate.conversations.models import Helpful, Post, Topic, TopicFollow
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.models import tags_from_names
from cultivate.people.actions import do_claim_account, do_decide_claim, do_withdraw_claim
from cultivate.people.merging import stronger_role, user_relations
from cultivate.people.models import AccountClaim, ClaimStatus, User

pytestmark = pytest.mark.django_db

SITE = "history.meta.stackexchange.com"
ALMA = "se-history.meta.stackexchange.com-1"  # Stack Exchange user 1
BRUNO = "se-history.meta.stackexchange.com-2"
HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
USERS = [
    '<row Id="1" CreationDate="2011-10-11T18:16:00.230" DisplayName="Alma" Location="Lisbon" />',
    '<row Id="2" CreationDate="2011-10-12T18:16:00.230" DisplayName="Bruno" />',
]
POSTS = [
    '<row Id="1" PostTypeId="1" CreationDate="2011-10-11T19:42:20.713" OwnerUserId="1" '
    'Title="Should we cite sources?" Body="&lt;p&gt;Sources matter.&lt;/p&gt;" '
    'Tags="&lt;sources&gt;" AcceptedAnswerId="2" />',
    '<row Id="2" PostTypeId="2" ParentId="1" CreationDate="2011-10-11T19:44:27.657" '
    'OwnerUserId="2" Body="&lt;p&gt;Yes, always.&lt;/p&gt;" />',
    '<row Id="3" PostTypeId="1" CreationDate="2011-10-13T10:00:00.000" OwnerUserId="1" '
    'Title="Which periods are on topic?" Body="&lt;p&gt;All of them?&lt;/p&gt;" />',
]
COMMENTS = [
    '<row Id="1" PostId="2" Text="Thanks, Bruno." CreationDate="2011-10-11T19:50:34.047" '
    'UserId="1" />',
]


def write_dump(directory, *, posts=POSTS, comments=COMMENTS):
    for name, root, rows in (("Users.xml", "users", USERS), ("Posts.xml", "posts", posts),
                             ("Comments.xml", "comments", comments)):
        body = "\n".join(f"  {row}" for row in rows)
        (directory / name).write_text(f"{HEAD}<{root}>\n{body}\n</{root}>\n", encoding="utf-8")
    return directory


def run_import(actor, community, directory):
    return do_import_stackexchange(actor=actor, community=community, directory=directory,
                                   site=SITE)


@pytest.fixture
def world(tmp_path, make_user, make_community):
    """ana convenes History Meta with an imported dump; nadia is the real Alma; others around."""
    ana = make_user("ana")
    community = make_community(ana, name="History Meta")
    run_import(ana, community, write_dump(tmp_path))
    people = {name: make_user(name) for name in ("nadia", "fred", "mo", "olga")}
    Membership.objects.create(community=community, user=people["fred"], role=Role.FACILITATOR)
    Membership.objects.create(community=community, user=people["mo"], role=Role.MEMBER)
    Community.objects.filter(pk=community.pk).update(member_count=community.memberships.count())
    community.refresh_from_db()
    people.update(ana=ana, alma=User.objects.get(username=ALMA),
                  bruno=User.objects.get(username=BRUNO), root=make_user("root", superuser=True))
    return community, people


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(client, method, url, body=None):
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, "/api/v1" + url, data, content_type="application/json")


def claim(world, who="nadia", placeholder="alma", evidence="https://history.meta.se/users/1"):
    _community, people = world
    return do_claim_account(actor=people[who], placeholder=people[placeholder], evidence=evidence)


# --- the profile of a placeholder ----------------------------------------------------------------

def test_placeholder_profile_shows_its_origin_and_a_claim_form(world):
    _community, people = world
    anonymous = Client().get(f"/people/{ALMA}/")
    page = anonymous.content.decode()
    assert anonymous.status_code == 200
    assert f"This account was imported from {SITE} and has not been claimed yet." in page
    assert "Sign in to claim this account" in page and "Should we cite sources?" in page
    signed_in = client_for(people["nadia"]).get(f"/people/{ALMA}/").content.decode()
    assert "This is me — claim this account" in signed_in and 'name="evidence"' in signed_in
    assert 'maxlength="1000"' in signed_in
    # Real people's profiles carry neither.
    assert "claim this account" not in client_for(people["nadia"]).get(
        "/people/ana/").content.decode()


# --- the whole flow on the web -------------------------------------------------------------------

def test_claim_and_approve_moves_everything_to_the_claimant(world, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    community, people = world
    alma, nadia = people["alma"], people["nadia"]
    topics = set(Topic.objects.filter(author=alma).values_list("pk", flat=True))
    posts = set(Post.objects.filter(author=alma).values_list("pk", flat=True))
    activity = set(Activity.objects.filter(actor=alma).values_list("pk", flat=True))
    assert len(topics) == 2 and len(posts) == 3 and activity
    members_before = community.member_count

    nadia_client = client_for(nadia)
    with django_capture_on_commit_callbacks(execute=True):
        response = nadia_client.post(f"/people/{ALMA}/claim/",
                                     {"evidence": "My profile: https://history.meta.se/users/1"})
    assert response.status_code == 302
    claim_row = AccountClaim.objects.get()
    assert claim_row.status == ClaimStatus.PENDING
    assert "waiting for review" in nadia_client.get(f"/people/{ALMA}/").content.decode()
    told = mailoutbox[-1]
    assert sorted(told.to) == ["ana@example.org", "root@example.org"]
    assert "Nadia" in told.subject or "nadia" in told.subject
    assert "https://history.meta.se/users/1" in told.body and "/claims/" in told.body

    ana_client = client_for(people["ana"])
    assert "Account claims" in ana_client.get("/claims/nav/").content.decode()
    page = ana_client.get("/claims/").content.decode()
    assert "nadia claims Alma" in page and "https://history.meta.se/users/1" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = ana_client.post(f"/claims/{claim_row.pk}/decide/",
                                   {"decision": "approve", "message": "Welcome back, Alma!"})
    assert response.status_code == 302

    claim_row.refresh_from_db()
    alma.refresh_from_db()
    nadia.refresh_from_db()
    assert claim_row.status == ClaimStatus.APPROVED and claim_row.decided_by == people["ana"]
    assert set(Topic.objects.filter(author=nadia).values_list("pk", flat=True)) == topics
    assert set(Post.objects.filter(author=nadia).values_list("pk", flat=True)) == posts
    assert activity <= set(Activity.objects.filter(actor=nadia).values_list("pk", flat=True))
    assert not Topic.objects.filter(author=alma).exists()
    assert not Membership.objects.filter(user=alma).exists()
    assert Membership.objects.get(user=nadia, community=community).role == Role.MEMBER
    assert alma.merged_into == nadia and alma.merged_at and not alma.is_active
    assert alma.placeholder_ref == f"stackexchange:{SITE}:user:1"
    assert (nadia.display_name, nadia.location) == ("Alma", "Lisbon")  # her own were empty
    community.refresh_from_db()
    assert community.member_count == members_before == community.memberships.count()
    claimed = Activity.objects.get(verb="account.claimed")
    assert claimed.actor == people["ana"]
    assert claimed.payload["claimant"] == nadia.pk and claimed.payload["placeholder"] == alma.pk

    outcome = mailoutbox[-1]
    assert outcome.to == ["nadia@example.org"] and "approved" in outcome.body
    assert "Welcome back, Alma!" in outcome.body
    # The placeholder's address now leads to the person; their profile shows the history.
    assert Client().get(f"/people/{ALMA}/")["Location"] == "/people/nadia/"
    profile = Client().get("/people/nadia/").content.decode()
    assert "History Meta" in profile and "Should we cite sources?" in profile
    assert "3 posts" in profile
    assert "Account claims" not in ana_client.get("/claims/nav/").content.decode()


def test_decline_leaves_the_placeholder_and_tells_the_claimant(
        world, mailoutbox, django_capture_on_commit_callbacks):
    _community, people = world
    claim_row = claim(world)
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_claim(actor=people["root"], claim=claim_row, approve=False,
                        message="Please link your profile.")
    claim_row.refresh_from_db()
    assert claim_row.status == ClaimStatus.DECLINED
    assert Topic.objects.filter(author=people["alma"]).count() == 2
    assert "declined" in mailoutbox[-1].body and "Please link your profile." in mailoutbox[-1].body
    assert Activity.objects.filter(verb="account.claim_declined").count() == 1
    # A declined claim may be made again, with better evidence.
    assert claim(world, evidence="Here is my profile link").is_pending


def test_withdraw_on_the_web(world):
    _community, people = world
    claim_row = claim(world)
    other = client_for(people["olga"]).post(f"/claims/{claim_row.pk}/withdraw/")
    assert other.status_code == 404
    response = client_for(people["nadia"]).post(f"/claims/{claim_row.pk}/withdraw/",
                                                {"next": "profile"})
    assert response["Location"] == f"/people/{ALMA}/"
    claim_row.refresh_from_db()
    assert claim_row.status == ClaimStatus.WITHDRAWN
    with pytest.raises(Conflict):
        do_withdraw_claim(actor=people["nadia"], claim=claim_row)


# --- merging -------------------------------------------------------------------------------------

def test_merge_keeps_the_stronger_role_and_does_not_double_count(world):
    community, people = world
    fred, alma = people["fred"], people["alma"]  # fred facilitates; alma is a member
    before = community.member_count
    assert Membership.objects.filter(community=community, user__in=[fred, alma]).count() == 2
    do_decide_claim(actor=people["ana"], claim=claim(world, who="fred"), approve=True)
    community.refresh_from_db()
    assert Membership.objects.get(community=community, user=fred).role == Role.FACILITATOR
    assert community.member_count == before - 1 == community.memberships.count()


def test_merge_takes_the_placeholders_role_when_it_is_stronger(world):
    community, people = world
    Membership.objects.filter(community=community, user=people["alma"]).update(role=Role.CORE)
    do_decide_claim(actor=people["ana"], claim=claim(world, who="mo"), approve=True)
    membership = Membership.objects.get(community=community, user=people["mo"])
    assert membership.role == Role.CORE
    assert membership.joined_at == people["alma"].date_joined  # the earlier of the two
    assert stronger_role(Role.CONVENER, Role.SPONSOR) == Role.CONVENER
    assert stronger_role(Role.MEMBER, Role.FACILITATOR) == Role.FACILITATOR


def test_merge_resolves_every_unique_clash_and_moves_many_to_many(world):
    community, people = world
    mo, alma = people["mo"], people["alma"]
    post = Post.objects.filter(author=people["bruno"]).first()
    topic = post.topic
    for person in (mo, alma):
        Helpful.objects.create(post=post, user=person)
        TopicFollow.objects.create(topic=topic, user=person)
    alma.expertise.set(tags_from_names(["historiography", "sources"]))
    mo.expertise.set(tags_from_names(["sources"]))
    mo.bio = "I teach history."
    mo.save()
    do_decide_claim(actor=people["ana"], claim=claim(world, who="mo"), approve=True)
    assert Helpful.objects.filter(post=post).count() == 1
    assert TopicFollow.objects.filter(topic=topic).count() == 1
    assert Helpful.objects.get(post=post).user == mo
    assert sorted(t.name for t in mo.expertise.all()) == ["historiography", "sources"]
    mo.refresh_from_db()
    assert mo.bio == "I teach history." and mo.location == "Lisbon"


def test_merge_withdraws_join_requests_it_answered(world, make_community):
    community, people = world
    community.join_policy = "request"
    community.save()
    JoinRequest.objects.create(community=community, user=people["nadia"])
    do_decide_claim(actor=people["ana"], claim=claim(world), approve=True)
    assert JoinRequest.objects.get(user=people["nadia"]).status == "withdrawn"


def test_the_walk_finds_hidden_relations_and_leaves_credentials():
    found = {f"{field.model._meta.label}.{field.name}" for field in user_relations()}
    assert {"activity.Activity.actor", "conversations.Topic.author",
            "conversations.Post.author", "communities.Membership.user",
            "people.User_expertise.user", "conversations.Helpful.user"} <= found
    assert not found & {"account.EmailAddress.user", "people.PersonalAccessToken.user",
                        "people.User_groups.user", "people.AccountClaim.placeholder",
                        "people.User.merged_into"}


def test_approving_declines_rival_claims(world, mailoutbox, django_capture_on_commit_callbacks):
    _community, people = world
    mine, rival = claim(world), claim(world, who="olga")
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_claim(actor=people["ana"], claim=mine, approve=True)
    rival.refresh_from_db()
    assert rival.status == ClaimStatus.DECLINED
    assert mailoutbox[-1].to == ["olga@example.org"]
    with pytest.raises(Conflict):
        do_decide_claim(actor=people["ana"], claim=rival, approve=True)


# --- re-importing after a claim ------------------------------------------------------------------

def counts(community) -> tuple:
    community.refresh_from_db()
    return (User.objects.count(), Topic.objects.count(), Post.objects.count(),
            Membership.objects.count(), Activity.objects.exclude(verb="import.completed").count(),
            community.member_count)


def test_reimporting_after_a_claim_changes_nothing(world, tmp_path):
    community, people = world
    do_decide_claim(actor=people["ana"], claim=claim(world), approve=True)
    before = counts(community)
    report = run_import(people["ana"], community, tmp_path)
    assert not report.changed and report.people == 0
    assert counts(community) == before
    assert not Topic.objects.filter(author=people["alma"]).exists()


def test_new_content_of_a_claimed_placeholder_goes_to_the_claimant(world, tmp_path):
    community, people = world
    nadia = people["nadia"]
    do_decide_claim(actor=people["ana"], claim=claim(world), approve=True)
    users = User.objects.count()
    grown = [*POSTS, '<row Id="4" PostTypeId="2" ParentId="3" CreationDate="2012-01-01T10:00:00" '
             'OwnerUserId="1" Body="&lt;p&gt;Answering myself.&lt;/p&gt;" />']
    report = run_import(people["ana"], community, write_dump(tmp_path, posts=grown))
    assert report.answers == 1 and report.people == 0 and User.objects.count() == users
    assert Post.objects.get(import_ref=f"stackexchange:{SITE}:post:4").author == nadia
    assert Membership.objects.filter(user=nadia, community=community).count() == 1
    community.refresh_from_db()
    assert community.member_count == community.memberships.count()


# --- refusals ------------------------------------------------------------------------------------

def test_refusals(world):
    _community, people = world
    with pytest.raises(ActionError) as not_placeholder:
        claim(world, placeholder="ana")
    assert not_placeholder.value.code == "not_a_placeholder"
    with pytest.raises(ActionError) as empty:
        claim(world, evidence="   ")
    assert "evidence" in empty.value.fields
    with pytest.raises(ActionError) as long:
        claim(world, evidence="x" * 1001)
    assert "evidence" in long.value.fields
    with pytest.raises(NotAllowed):
        do_claim_account(actor=AnonymousUser(), placeholder=people["alma"], evidence="me")
    with pytest.raises(NotAllowed):  # a placeholder cannot act, not even on itself
        do_claim_account(actor=people["alma"], placeholder=people["alma"], evidence="me")
    first = claim(world)
    with pytest.raises(Conflict) as twice:
        claim(world)
    assert twice.value.code == "already_requested"
    with pytest.raises(NotAllowed) as member:  # a member, not a convener: must not know of it
        do_decide_claim(actor=people["mo"], claim=first, approve=True)
    assert member.value.hide
    with pytest.raises(NotAllowed) as facilitator:
        do_decide_claim(actor=people["fred"], claim=first, approve=True)
    assert facilitator.value.hide
    with pytest.raises(NotAllowed) as own:  # the claimant sees it but may not decide it
        do_decide_claim(actor=people["nadia"], claim=first, approve=True)
    assert not own.value.hide
    do_decide_claim(actor=people["ana"], claim=first, approve=True)
    with pytest.raises(ActionError) as mine:
        claim(world)
    assert mine.value.code == "own_account"
    with pytest.raises(Conflict) as taken:
        claim(world, who="olga")
    assert taken.value.code == "already_claimed"
    with pytest.raises(Conflict):
        do_decide_claim(actor=people["ana"], claim=first, approve=False)


def test_a_convener_claiming_in_their_own_community_needs_someone_else(world):
    community, people = world
    own = claim(world, who="ana")
    assert not policy.may_decide_claim(people["ana"], people["alma"], claimant=people["ana"])
    with pytest.raises(NotAllowed):
        do_decide_claim(actor=people["ana"], claim=own, approve=True)
    do_decide_claim(actor=people["root"], claim=own, approve=True)
    assert Membership.objects.get(community=community, user=people["ana"]).role == Role.CONVENER


def test_who_may_decide(world, make_community):
    community, people = world
    alma = people["alma"]
    elsewhere = make_community(people["olga"], name="Elsewhere")
    assert elsewhere.pk
    expected = {"ana": True, "root": True, "fred": False, "mo": False, "olga": False,
                "nadia": False, "alma": False}
    for name, allowed in expected.items():
        assert policy.may_decide_claim(people[name], alma) is allowed, name
    assert not policy.may_decide_claim(AnonymousUser(), alma)
    assert not policy.may_decide_claim(None, alma)
    pending = claim(world)
    claims = AccountClaim.objects.all()
    for name, allowed in expected.items():
        assert policy.claims_decidable_by(people[name], claims).exists() is (
            allowed and name != "nadia"), name
    assert not policy.claims_decidable_by(AnonymousUser(), claims).exists()
    assert pending.is_pending


def test_anonymous_and_strangers_on_the_web(world):
    _community, people = world
    response = Client().post(f"/people/{ALMA}/claim/", {"evidence": "me"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/claims/").status_code == 302
    first = claim(world)
    stranger = client_for(people["mo"])
    assert stranger.post(f"/claims/{first.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert "nadia" not in stranger.get("/claims/").content.decode()
    assert stranger.get("/claims/nav/").content == b""
    assert client_for(people["nadia"]).post(
        f"/claims/{first.pk}/decide/", {"decision": "approve"}).status_code == 403
    first.refresh_from_db()
    assert first.is_pending
    nadia = client_for(people["nadia"])
    refused = nadia.post("/people/ana/claim/", {"evidence": "me"})
    assert refused.status_code == 302
    page = nadia.get("/people/ana/").content.decode()
    assert "Only accounts created by an import can be claimed." in page
    too_long = client_for(people["olga"]).post(f"/people/{ALMA}/claim/", {"evidence": "x" * 1001})
    assert too_long.status_code == 400 and 'role="alert"' in too_long.content.decode()


def test_garbage_in_the_claim_forms_never_answers_500(world):
    _community, people = world
    first = claim(world)
    garbage = [{}, {"evidence": "x" * 5000}, {"decision": "maybe", "message": "y" * 10_000},
               {"decision": "approve", "message": "z" * 2001}]
    for who in ("ana", "nadia", "mo"):
        client = client_for(people[who])
        client.raise_request_exception = False
        for url in (f"/people/{ALMA}/claim/", "/people/nobody/claim/",
                    f"/claims/{first.pk}/decide/", f"/claims/{first.pk}/withdraw/",
                    "/claims/999999/decide/", "/claims/999999/withdraw/"):
            for data in garbage:
                assert client.post(url, data).status_code < 500, (who, url, data)
    first.refresh_from_db()
    assert first.status in (ClaimStatus.PENDING, ClaimStatus.WITHDRAWN)


# --- the API -------------------------------------------------------------------------------------

def test_claims_through_the_api(world, mailoutbox, django_capture_on_commit_callbacks):
    community, people = world
    nadia, ana = client_for(people["nadia"]), client_for(people["ana"])
    with django_capture_on_commit_callbacks(execute=True):
        created = api(nadia, "POST", f"/people/{ALMA}/claims",
                      {"evidence": "https://history.meta.se/users/1"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["placeholder"]["username"] == ALMA
    assert body["imported_from"] == SITE and len(mailoutbox) == 1
    again = api(nadia, "POST", f"/people/{ALMA}/claims", {"evidence": "me"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_requested"

    listed = api(ana, "GET", "/claims").json()
    assert [c["id"] for c in listed["to_decide"]] == [body["id"]] and listed["yours"] == []
    own = api(nadia, "GET", "/claims").json()
    assert own["to_decide"] == [] and [c["id"] for c in own["yours"]] == [body["id"]]
    assert api(client_for(people["mo"]), "GET", "/claims").json() == {"to_decide": [],
                                                                       "yours": []}
    assert api(Client(), "GET", "/claims").status_code == 401

    url = f"/claims/{body['id']}/decision"
    assert api(client_for(people["mo"]), "POST", url, {"approve": True}).status_code == 404
    assert api(nadia, "POST", url, {"approve": True}).status_code == 403
    decided = api(ana, "POST", url, {"approve": True, "message": "Welcome."})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"]["username"] == "ana"
    assert Topic.objects.filter(author=people["nadia"]).count() == 2
    person = api(Client(), "GET", f"/people/{ALMA}").json()
    assert person["claimed_by"] == "nadia" and person["imported_from"] == SITE
    withdrawn = api(nadia, "POST", f"/claims/{body['id']}/withdraw")
    assert withdrawn.status_code == 409
    taken = api(client_for(people["olga"]), "POST", f"/people/{ALMA}/claims", {"evidence": "me"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "already_claimed"
    assert community.memberships.filter(user=people["nadia"]).exists()


def test_withdraw_and_bad_input_through_the_api(world):
    _community, people = world
    nadia = client_for(people["nadia"])
    anonymous = api(Client(), "POST", f"/people/{ALMA}/claims", {"evidence": "me"})
    assert anonymous.status_code == 401
    missing = api(nadia, "POST", f"/people/{ALMA}/claims", {})
    assert missing.status_code == 422 and "evidence" in missing.json()["error"]["fields"]
    long = api(nadia, "POST", f"/people/{ALMA}/claims", {"evidence": "x" * 1001})
    assert long.status_code == 400 and "evidence" in long.json()["error"]["fields"]
    blank = api(nadia, "POST", f"/people/{ALMA}/claims", {"evidence": "  "})
    assert blank.status_code == 400 and "evidence" in blank.json()["error"]["fields"]
    not_placeholder = api(nadia, "POST", "/people/ana/claims", {"evidence": "me"})
    assert not_placeholder.status_code == 400
    assert not_placeholder.json()["error"]["code"] == "not_a_placeholder"
    assert api(nadia, "POST", "/people/nobody/claims", {"evidence": "me"}).status_code == 404
    created = api(nadia, "POST", f"/people/{ALMA}/claims", {"evidence": "me"}).json()
    url = f"/claims/{created['id']}/decision"
    ana = client_for(people["ana"])
    not_bool = api(ana, "POST", url, {"approve": "perhaps"})
    assert not_bool.status_code == 422 and "approve" in not_bool.json()["error"]["fields"]
    too_long = api(ana, "POST", url, {"approve": False, "message": "m" * 2001})
    assert too_long.status_code == 400 and "message" in too_long.json()["error"]["fields"]
    assert api(ana, "POST", "/claims/abc/decision", {"approve": True}).status_code == 422
    assert api(ana, "POST", "/claims/999999/decision", {"approve": True}).status_code == 404
    assert api(client_for(people["olga"]), "POST",
               f"/claims/{created['id']}/withdraw").status_code == 404
    withdrawn = api(nadia, "POST", f"/claims/{created['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert AccountClaim.objects.get().status == ClaimStatus.WITHDRAWN

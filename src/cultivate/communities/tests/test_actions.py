from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.communities import actions
from cultivate.communities.models import Community, Invitation, JoinRequest, Membership
from cultivate.core.errors import ActionError, Conflict, NotAllowed

pytestmark = pytest.mark.django_db


def counts():
    return (Community.objects.count(), Membership.objects.count(), JoinRequest.objects.count(),
            Invitation.objects.count(), Activity.objects.count())


def test_starting_a_community_makes_the_founder_its_convener(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Public Finance Officers", tags=["PFM", "budget", "pfm"])
    assert community.slug == "public-finance-officers"
    assert Membership.objects.get(community=community, user=ana).role == "convener"
    assert community.member_count == 1
    assert sorted(t.name for t in community.tags.all()) == ["PFM", "budget"]
    assert "<em>reform</em>" in community.charter_domain_html
    verbs = list(Activity.objects.filter(community=community).values_list("verb", flat=True))
    assert sorted(verbs) == ["community.created", "member.joined"]


def test_duplicate_names_and_slugs_are_refused_and_change_nothing(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="M&E Practitioners", slug="mande")
    before = counts()
    with pytest.raises(ActionError) as same_name:
        make_community(ana, name="m&e practitioners")
    assert "name" in same_name.value.fields
    with pytest.raises(ActionError) as same_slug:
        make_community(ana, name="Another one", slug="mande")
    assert "slug" in same_slug.value.fields
    assert counts() == before


def test_charter_parts_are_required_and_bounded(make_user, make_community):
    ana = make_user("ana")
    with pytest.raises(ActionError) as empty:
        make_community(ana, charter_domain="  ", charter_practice="")
    assert set(empty.value.fields) == {"charter_domain", "charter_practice"}
    with pytest.raises(ActionError) as huge:
        make_community(ana, charter_community="x" * 20_001, visibility="secret")
    assert set(huge.value.fields) == {"charter_community", "visibility"}
    assert Community.objects.count() == 0


def test_script_in_a_charter_is_stripped(make_user, make_community):
    community = make_community(
        make_user("ana"),
        charter_domain=("<script>alert(1)</script> [x](javascript:alert(1)) "
                        "<img src=x onerror=alert(1)>"),
    )
    html = community.charter_domain_html
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


def test_open_join_and_joining_twice(make_user, make_community):
    community = make_community(make_user("ana"))
    ben = make_user("ben")
    actions.do_join_community(actor=ben, community=community)
    before = counts()
    with pytest.raises(Conflict) as again:
        actions.do_join_community(actor=ben, community=community)
    assert again.value.code == "already_member"
    assert counts() == before
    community.refresh_from_db()
    assert community.member_count == 2


def test_request_then_approve_mails_the_member(make_user, make_community,
                                              django_capture_on_commit_callbacks):
    ana = make_user("ana")
    community = make_community(ana, join_policy="request", visibility="listed")
    ben = make_user("ben")
    with pytest.raises(NotAllowed):
        actions.do_join_community(actor=ben, community=community)
    join_request = actions.do_request_to_join(actor=ben, community=community, message="Hi!")
    with pytest.raises(Conflict):
        actions.do_request_to_join(actor=ben, community=community)
    with pytest.raises(NotAllowed):
        actions.do_decide_join_request(actor=ben, join_request=join_request, approve=True)
    with pytest.raises(ActionError):
        actions.do_decide_join_request(actor=ana, join_request=join_request, approve=True,
                                       response="x" * 2001)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_decide_join_request(actor=ana, join_request=join_request, approve=True,
                                       response="Welcome, Ben.")
    assert Membership.objects.get(community=community, user=ben).role == "member"
    assert mail.outbox[-1].to == ["ben@example.org"]
    assert "Welcome, Ben." in mail.outbox[-1].body
    with pytest.raises(Conflict):
        actions.do_decide_join_request(actor=ana, join_request=join_request, approve=False)


def test_declined_request_can_be_made_again(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, join_policy="request")
    ben = make_user("ben")
    first = actions.do_request_to_join(actor=ben, community=community)
    actions.do_decide_join_request(actor=ana, join_request=first, approve=False, response="Not yet")
    assert not Membership.objects.filter(user=ben).exists()
    actions.do_request_to_join(actor=ben, community=community, message="Second try")
    assert JoinRequest.objects.filter(user=ben).count() == 2


def test_invitation_works_once_and_expires(make_user, make_community,
                                          django_capture_on_commit_callbacks):
    ana = make_user("ana")
    community = make_community(ana, join_policy="invitation", visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.do_invite_member(actor=ana, community=community,
                                              email="Cleo@Example.org", role="facilitator")
    assert invitation.email == "cleo@example.org"
    assert invitation.token in mail.outbox[-1].body
    cleo = make_user("cleo")
    membership = actions.do_accept_invitation(actor=cleo, token=invitation.token)
    assert membership.role == "facilitator"
    dan = make_user("dan")
    with pytest.raises(Conflict) as reused:
        actions.do_accept_invitation(actor=dan, token=invitation.token)
    assert reused.value.code == "invitation_used"
    late = actions.do_invite_member(actor=ana, community=community, email="dan@example.org")
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = counts()
    with pytest.raises(Conflict) as expired:
        actions.do_accept_invitation(actor=dan, token=late.token)
    assert expired.value.code == "invitation_expired"
    assert counts() == before
    with pytest.raises(NotAllowed):
        actions.do_accept_invitation(actor=dan, token="no-such-token")


def test_invitation_input_is_checked(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    with pytest.raises(ActionError) as bad:
        actions.do_invite_member(actor=ana, community=community, email="not-an-email",
                                 role="king")
    assert set(bad.value.fields) == {"email", "role"}
    with pytest.raises(Conflict):
        actions.do_invite_member(actor=ana, community=community, email="ANA@example.org")
    facilitator = make_user("fay")
    Membership.objects.create(community=community, user=facilitator, role="facilitator")
    with pytest.raises(ActionError) as escalation:
        actions.do_invite_member(actor=facilitator, community=community,
                                 email="new@example.org", role="convener")
    assert "role" in escalation.value.fields
    outsider = make_user("olga")
    with pytest.raises(NotAllowed):
        actions.do_invite_member(actor=outsider, community=community, email="x@example.org")


def test_a_community_always_keeps_a_convener(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    own = Membership.objects.get(user=ana)
    for attempt in (
        lambda: actions.do_leave_community(actor=ana, community=community),
        lambda: actions.do_change_role(actor=ana, membership=own, role="member"),
        lambda: actions.do_remove_member(actor=ana, membership=own),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "last_convener"
    assert Membership.objects.get(user=ana).role == "convener"
    ben = make_user("ben")
    actions.do_join_community(actor=ben, community=community)
    ben_membership = Membership.objects.get(user=ben)
    actions.do_change_role(actor=ana, membership=ben_membership, role="convener")
    actions.do_leave_community(actor=ana, community=community)
    community.refresh_from_db()
    assert list(community.memberships.values_list("role", flat=True)) == ["convener"]
    assert community.member_count == 1


def test_only_conveners_change_roles_and_remove(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    ben, cleo = make_user("ben"), make_user("cleo")
    actions.do_join_community(actor=ben, community=community)
    actions.do_join_community(actor=cleo, community=community)
    cleo_membership = Membership.objects.get(user=cleo)
    with pytest.raises(NotAllowed):
        actions.do_remove_member(actor=ben, membership=cleo_membership)
    with pytest.raises(ActionError):
        actions.do_change_role(actor=ana, membership=cleo_membership, role="overlord")
    actions.do_change_role(actor=ana, membership=cleo_membership, role="sponsor")
    actions.do_remove_member(actor=ana, membership=Membership.objects.get(user=ben))
    assert sorted(Membership.objects.values_list("role", flat=True)) == ["convener", "sponsor"]
    community.refresh_from_db()
    assert community.member_count == 2
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"member.role_changed", "member.removed"} <= verbs


def test_editing_the_charter_records_what_changed(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    actions.do_update_community(actor=ana, community=community, charter_practice="Peer assists",
                                stage="maturing", tags=["peer assist"])
    community.refresh_from_db()
    assert community.stage == "maturing"
    entry = Activity.objects.filter(verb="community.charter_edited").get()
    assert entry.payload == {"fields": ["charter_practice", "stage", "tags"]}
    member = make_user("ben")
    actions.do_join_community(actor=member, community=community)
    with pytest.raises(NotAllowed):
        actions.do_update_community(actor=member, community=community, name="Mine now")


def test_stewards_hear_of_a_request_and_it_can_be_withdrawn(make_user, make_community,
                                                             django_capture_on_commit_callbacks):
    ana = make_user("ana")
    community = make_community(ana, join_policy="request")
    fay = make_user("fay")
    Membership.objects.create(community=community, user=fay, role="facilitator")
    ben = make_user("ben", display_name="Ben Okafor")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_request_to_join(actor=ben, community=community, message="I audit budgets")
    assert mail.outbox[-1].to == ["ana@example.org", "fay@example.org"]
    assert "Ben Okafor asks to join" in mail.outbox[-1].subject
    assert "/requests/" in mail.outbox[-1].body and "I audit budgets" in mail.outbox[-1].body
    withdrawn = actions.do_withdraw_join_request(actor=ben, community=community)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ActionError):
        actions.do_withdraw_join_request(actor=ben, community=community)
    actions.do_request_to_join(actor=ben, community=community)  # may ask again later


def test_an_invitation_can_be_withdrawn_before_use(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, join_policy="invitation")
    invitation = actions.do_invite_member(actor=ana, community=community, email="c@example.org")
    with pytest.raises(NotAllowed):
        actions.do_revoke_invitation(actor=make_user("olga"), invitation=invitation)
    actions.do_revoke_invitation(actor=ana, invitation=invitation)
    with pytest.raises(Conflict):
        actions.do_revoke_invitation(actor=ana, invitation=invitation)
    with pytest.raises(Conflict) as refused:
        actions.do_accept_invitation(actor=make_user("cleo"), token=invitation.token)
    assert refused.value.code == "invitation_revoked"
    assert not Membership.objects.filter(user__username="cleo").exists()

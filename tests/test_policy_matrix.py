"""The policy as a matrix: every standing x visibility x verb, against real rows.

The expected table is written out by hand from the product rules, not derived from the code.
"""

import pytest

from cultivate import policy
from cultivate.communities.actions import do_request_to_join, do_update_community
from cultivate.communities.models import Membership, Role
from cultivate.policy import Can

ALL = set(Can)
MEMBER = {"see", "read", "leave", "start_topic", "reply"}
FACILITATOR = MEMBER | {"edit", "invite", "decide_requests", "announce", "moderate", "curate"}
CONVENER = FACILITATOR | {"manage_members"}
ADMIN = {"see", "read", "edit", "invite", "decide_requests", "manage_members", "start_topic",
         "reply", "announce", "moderate", "curate"}
# Stewards say how their community runs the catalogue's learning formats (cultivate.formats).
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"adapt_formats"} for verbs in (FACILITATOR, CONVENER, ADMIN))
# Members answer events; stewards plan them (cultivate.events).
MEMBER = MEMBER | {"rsvp"}
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"rsvp", "plan_events"} for verbs in (FACILITATOR, CONVENER, ADMIN))
# Stewards see the dashboards and tune the levels; sponsors see them too (cultivate.insights).
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"view_insights", "tune_levels"} for verbs in (FACILITATOR, CONVENER, ADMIN))
# Members and admins take part in live backchannels under their name (cultivate.live).
MEMBER = MEMBER | {"take_part_live"}
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"take_part_live"} for verbs in (FACILITATOR, CONVENER, ADMIN))
# Members (not admins who are not members) get their own people to meet (cultivate.insights).
MEMBER = MEMBER | {"meet_people"}
FACILITATOR, CONVENER = (verbs | {"meet_people"} for verbs in (FACILITATOR, CONVENER))
SPONSOR = MEMBER | {"view_insights"}
# Who sees the community and its address: conveners and admins, not facilitators (issue 12).
CONVENER, ADMIN = (verbs | {"change_visibility"} for verbs in (CONVENER, ADMIN))
# Conveners read their community's audit trail; platform admins every one (cultivate.audit).
CONVENER, ADMIN = (verbs | {"see_audit"} for verbs in (CONVENER, ADMIN))
# Value creation (cultivate.evaluation): members record what they applied, tell their stories
# and corroborate others'; stewards define indicators, approve wider visibility and write for
# others; sponsors read the matrix and report and enter figures of custom indicators.
MEMBER, SPONSOR, FACILITATOR, CONVENER = (
    verbs | {"record_applied", "write_value_story", "corroborate"}
    for verbs in (MEMBER, SPONSOR, FACILITATOR, CONVENER))
SPONSOR = SPONSOR | {"view_value", "enter_indicator_values"}
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"write_story_for_others", "approve_story_visibility", "define_indicators",
             "enter_indicator_values", "view_value"}
    for verbs in (FACILITATOR, CONVENER, ADMIN))
# Community health (cultivate.health): members answer pulse surveys and check in at events;
# stewards read the health check, tune it, move the stage, send surveys and take attendance;
# sponsors read the health check.
MEMBER, SPONSOR, FACILITATOR, CONVENER = (
    verbs | {"answer_pulse", "check_in"} for verbs in (MEMBER, SPONSOR, FACILITATOR, CONVENER))
SPONSOR = SPONSOR | {"view_health"}
FACILITATOR, CONVENER, ADMIN = (
    verbs | {"view_health", "tune_health", "change_stage", "send_pulse", "record_attendance",
             "assess_maturity", "plan"}
    for verbs in (FACILITATOR, CONVENER, ADMIN))

# visibility -> standing -> verbs, for a community whose join policy is "open".
EXPECTED_OPEN = {
    "public": {
        "anonymous": {"see", "read"}, "outsider": {"see", "read", "join"},
        "pending": {"see", "read", "join"}, "member": MEMBER, "core": MEMBER,
        "sponsor": SPONSOR, "facilitator": FACILITATOR, "convener": CONVENER, "admin": ADMIN,
    },
    "listed": {
        "anonymous": {"see"}, "outsider": {"see", "join"}, "pending": {"see", "join"},
        "member": MEMBER, "core": MEMBER, "sponsor": SPONSOR, "facilitator": FACILITATOR,
        "convener": CONVENER, "admin": ADMIN,
    },
    "private": {
        "anonymous": set(), "outsider": set(), "pending": {"see", "join"},
        "member": MEMBER, "core": MEMBER, "sponsor": SPONSOR, "facilitator": FACILITATOR,
        "convener": CONVENER, "admin": ADMIN,
    },
}
STANDINGS = list(EXPECTED_OPEN["public"])


@pytest.fixture
def landscape(make_user, make_community):
    """One person per standing, all in one community whose settings each test changes."""
    people = {"convener": make_user("convener")}
    community = make_community(people["convener"], join_policy="request")
    for role in ("member", "core", "sponsor", "facilitator"):
        people[role] = make_user(role)
        Membership.objects.create(community=community, user=people[role], role=Role(role))
    people["pending"] = make_user("pending")
    do_request_to_join(actor=people["pending"], community=community)
    people["outsider"] = make_user("outsider")
    people["admin"] = make_user("admin", superuser=True)
    people["anonymous"] = None
    return community, people


def _verbs(person, community) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    user = person or AnonymousUser()
    return {verb.value for verb in ALL if policy.can(user, verb, community)}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "listed", "private"])
def test_every_standing_and_visibility(landscape, visibility):
    community, people = landscape
    do_update_community(actor=people["convener"], community=community, visibility=visibility,
                        join_policy="open")
    community.refresh_from_db()
    for standing in STANDINGS:
        assert _verbs(people[standing], community) == EXPECTED_OPEN[visibility][standing], standing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("join_policy", "outsider_verbs"),
    [("open", {"see", "read", "join"}), ("request", {"see", "read", "request_to_join"}),
     ("invitation", {"see", "read"})],
)
def test_join_policy_decides_how_an_outsider_may_join(landscape, join_policy, outsider_verbs):
    community, people = landscape
    do_update_community(actor=people["convener"], community=community, join_policy=join_policy)
    community.refresh_from_db()
    assert _verbs(people["outsider"], community) == outsider_verbs
    pending = {"see", "read"} | ({"join"} if join_policy == "open" else set())
    assert _verbs(people["pending"], community) == pending


@pytest.mark.django_db
def test_standing_is_what_the_rows_say(landscape):
    community, people = landscape
    for name in STANDINGS:
        user = people[name]
        if user is None:
            from django.contrib.auth.models import AnonymousUser

            user = AnonymousUser()
        assert policy.standing_of(user, community).value == name


@pytest.mark.django_db
def test_an_inactive_account_is_treated_as_anonymous(landscape):
    community, people = landscape
    people["convener"].is_active = False
    assert policy.standing_of(people["convener"], community) == policy.Standing.ANONYMOUS


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "listed", "private"])
def test_directory_lists_exactly_what_each_standing_may_see(landscape, visibility):
    community, people = landscape
    do_update_community(actor=people["convener"], community=community, visibility=visibility)
    for standing in STANDINGS:
        from django.contrib.auth.models import AnonymousUser

        user = people[standing] or AnonymousUser()
        listed = policy.visible_communities(user).filter(pk=community.pk).exists()
        assert listed == ("see" in EXPECTED_OPEN[visibility][standing]), standing


# Verbs about a person's own account, not a community (cultivate.people.mydata): export and
# erasure are for oneself only, never someone else's, not even for a platform admin; platform
# admins see the erasure requests (and may carry one out at once).
EXPECTED_ACCOUNT = {
    ("member", "own"): {"export_own_data", "erase_own_account"},
    ("member", "other"): set(),
    ("admin", "own"): {"export_own_data", "erase_own_account", "see_erasure_requests"},
    ("admin", "other"): {"see_erasure_requests"},
    ("admin", None): {"see_erasure_requests"},
    ("convener", None): set(),
    ("anonymous", "other"): set(),
    ("inactive", "own"): set(),
}


@pytest.mark.django_db
def test_account_verbs_are_for_oneself(landscape):
    from django.contrib.auth.models import AnonymousUser

    _community, people = landscape
    people["inactive"] = people["member"]
    for (standing, whose), expected in EXPECTED_ACCOUNT.items():
        user = people[standing] or AnonymousUser()
        if standing == "inactive":
            user.is_active = False
        account = {"own": user, "other": people["core"], None: None}[whose]
        verbs = {verb.value for verb in policy.account_verbs(user, account)}
        assert verbs == expected, (standing, whose)
        for verb in {Can.EXPORT_OWN_DATA, Can.ERASE_OWN_ACCOUNT, Can.SEE_ERASURE_REQUESTS}:
            if verb.value not in expected:
                with pytest.raises(policy.NotAllowed):
                    policy.check_account(user, verb, account)


@pytest.mark.django_db
def test_audited_communities_is_the_twin_of_see_audit(landscape):
    from django.contrib.auth.models import AnonymousUser

    community, people = landscape
    for standing in STANDINGS:
        user = people[standing] or AnonymousUser()
        listed = policy.audited_communities(user).filter(pk=community.pk).exists()
        assert listed == ("see_audit" in EXPECTED_OPEN["public"][standing]), standing


# Who may restore a deleted post or resource (within the restore window, which the actions
# check): stewards anything; members, core and sponsors only what they deleted themselves.
MAY_RESTORE = {"anonymous": (False, False), "outsider": (False, False),
               "pending": (False, False), "member": (True, False), "core": (True, False),
               "sponsor": (True, False), "facilitator": (True, True), "convener": (True, True),
               "admin": (True, True)}


@pytest.mark.django_db
def test_who_may_restore_a_deletion(landscape):
    from django.contrib.auth.models import AnonymousUser

    community, people = landscape
    for standing, (own, others) in MAY_RESTORE.items():
        user = people[standing] or AnonymousUser()
        seen = policy.standing_of(user, community)
        assert policy.may_restore_deleted(user, seen, community, user.pk) is own, standing
        assert policy.may_restore_deleted(user, seen, community,
                                          people["convener"].pk + 1000) is others, standing
        assert policy.may_restore_deleted(user, seen, community, None) is others, standing

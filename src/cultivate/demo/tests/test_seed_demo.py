import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Stage,
    Visibility,
)
from cultivate.demo.landscape import DEMO_DOMAIN, DEMO_PASSWORD, SHOWCASE
from cultivate.people.models import User


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def open_invitations():
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now())


def landscape_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "communities": Community.objects.count(),
        "memberships": Membership.objects.count(),
        "join_requests": JoinRequest.objects.count(),
        "invitations": Invitation.objects.count(),
        "activity": Activity.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_plausible_landscape():
    output = seed_demo()

    communities = Community.objects.all()
    assert communities.count() >= 6
    assert User.objects.filter(is_superuser=False).count() >= 30
    for community in communities:
        assert community.memberships.filter(role=Role.CONVENER).exists(), community.slug
        # Counts kept by the membership actions prove nobody was added behind their back.
        assert community.member_count == community.memberships.count(), community.slug
    assert JoinRequest.objects.filter(status=RequestStatus.PENDING).exists()
    assert open_invitations().filter(email__endswith="@" + DEMO_DOMAIN).exists()
    assert set(communities.values_list("stage", flat=True)) == set(Stage.values)
    assert communities.filter(visibility=Visibility.PRIVATE).exists()
    for role, username in SHOWCASE.items():
        assert Membership.objects.filter(user__username=username, role=role).exists(), role
    unverified = User.objects.exclude(emailaddress__verified=True, emailaddress__primary=True)
    assert not unverified.exists()
    assert User.objects.get(username="admin").is_superuser
    assert "Demo landscape: " in output


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed_demo()
    before = landscape_counts()

    output = seed_demo()

    assert landscape_counts() == before
    assert "nothing was added" in output


@pytest.mark.django_db
@pytest.mark.parametrize("login", [f"{SHOWCASE['convener']}@{DEMO_DOMAIN}", "admin"])
def test_a_demo_account_can_sign_in(client, settings, login):
    settings.CULTIVATE_WRITE_RATE = "1000/m"
    seed_demo()
    user = User.objects.get(username=login.split("@")[0])
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()

    response = client.post("/accounts/login/", {"login": login, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert user.display_name in page


@pytest.mark.django_db
def test_demo_has_method_pages_with_a_failure_story():
    from cultivate.practice.models import Method, Story

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # again: nothing doubles
    assert Method.objects.count() == 2
    assert Story.objects.filter(outcome="failure").exists()
    assert Method.objects.get(title="After-action review").practitioners.count() == 2


@pytest.mark.django_db
def test_every_community_of_the_demo_is_alive():
    """What a newcomer opens shows something true: conversations answered by several people,
    a library, a coming event, a searchable history and figures over months (issue 15)."""
    from datetime import timedelta

    from cultivate.conversations.models import Post, Topic
    from cultivate.conversations.search import search
    from cultivate.events.models import Event
    from cultivate.insights.models import WeeklyFigures
    from cultivate.live.models import Item
    from cultivate.resources.models import Resource

    seed_demo()
    now = timezone.now()
    for community in Community.objects.all():
        topics = Topic.objects.filter(community=community)
        assert topics.count() >= 2, community.slug
        assert topics.filter(accepted_answer__isnull=False).exists(), community.slug
        repliers = Post.objects.filter(topic__community=community, is_opening=False)
        assert repliers.values("author").distinct().count() >= 2, community.slug
        assert Resource.objects.filter(community=community).exists(), community.slug
        assert Event.objects.filter(community=community, ends_at__gt=now).exists(), community.slug
        oldest = topics.order_by("created_at").first().created_at
        assert oldest < now - timedelta(days=100), community.slug  # a history, not one day
        weeks = sorted(WeeklyFigures.objects.filter(community=community)
                       .values_list("week", flat=True))
        assert len(weeks) >= 5 and (weeks[-1] - weeks[0]).days > 100, community.slug
    assert Topic.objects.filter(kind="question", answered_at__isnull=True).exists()  # waiting
    harvested = Item.objects.filter(harvested_topic__isnull=False).select_related(
        "harvested_topic", "participant")
    assert harvested and all(i.harvested_topic.author_id == i.participant.user_id
                             for i in harvested)
    milica = User.objects.get(username="milica")
    assert search(milica, "budget"), "search finds common words"

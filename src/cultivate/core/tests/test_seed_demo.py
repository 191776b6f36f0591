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
from cultivate.core.demo_data import DEMO_DOMAIN, DEMO_PASSWORD, SHOWCASE
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

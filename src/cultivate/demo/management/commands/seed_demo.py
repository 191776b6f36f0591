"""`cultivate seed-demo`: load the demo landscape of communities and people."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.communities.actions import (
    do_accept_invitation,
    do_change_role,
    do_create_community,
    do_decide_join_request,
    do_invite_member,
    do_join_community,
    do_request_to_join,
)
from cultivate.communities.models import (
    Community,
    Invitation,
    JoinPolicy,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cultivate.demo.landscape import (
    ADMIN_DISPLAY_NAME,
    ADMIN_USERNAME,
    COMMUNITIES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    PEOPLE,
    SHOWCASE,
    CommunitySpec,
    Seat,
    demo_email,
)
from cultivate.demo.registry import plant_all
from cultivate.people.actions import do_update_profile
from cultivate.people.models import User

# Invitations and join decisions send mail on commit; demo mail must reach no one, and
# printed mail would bury the summary.
SILENT_MAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = (
        "Load the demo landscape: communities of practice, people with roles, pending join "
        "requests and open invitations. Running it again adds nothing."
    )

    def handle(self, *args, **options):
        with override_settings(EMAIL_BACKEND=SILENT_MAIL), transaction.atomic():
            added = seed()
        from cultivate.insights.jobs import recompute

        recompute()  # levels and dashboards for the demo at once, not at the first clock tick
        if options["verbosity"] > 0:
            self.stdout.write(summary(added))


def seed() -> int:
    """Create what is missing; return how many people and communities were added."""
    # One hash for every account: hashing ~40 passwords one by one takes several seconds,
    # and the demo password is public anyway.
    password = make_password(DEMO_PASSWORD)
    people = {}
    added = 0
    for person in PEOPLE:
        people[person.username], created = ensure_person(person, password)
        added += created
    added += ensure_admin(password)
    for index, spec in enumerate(COMMUNITIES):
        if not Community.objects.filter(slug=spec.slug).exists():
            backdate_founding(plant_community(spec, people), days=FOUNDED_DAYS_AGO - 30 * index)
            added += 1
    started = timezone.now()
    plant_all(people)  # each app's own content: conversations, methods, events, value...
    spread_fresh_activity(since=started)
    return added


# Demo people joined the platform a while ago: a landscape of established members (and
# invitations, which new accounts may not send yet, work from the first start).
DEMO_ACCOUNT_AGE = timedelta(days=400)


def create_account(username: str, password: str, **flags) -> User:
    email = demo_email(username)
    user = User.objects.create(username=username, email=email, password=password,
                               date_joined=timezone.now() - DEMO_ACCOUNT_AGE, **flags)
    # Email verification is mandatory: without a verified address nobody could sign in.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def ensure_person(person, password: str) -> tuple[User, bool]:
    user = User.objects.filter(username=person.username).first()
    if user is not None:
        return user, False
    user = create_account(person.username, password)
    do_update_profile(actor=user, **person.profile())
    return user, True


def ensure_admin(password: str) -> bool:
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    admin = create_account(ADMIN_USERNAME, password, is_staff=True, is_superuser=True)
    do_update_profile(actor=admin, display_name=ADMIN_DISPLAY_NAME)
    return True


def plant_community(spec: CommunitySpec, people: dict[str, User]) -> Community:
    founder, *seats = spec.seats
    convener = people[founder.username]
    community = do_create_community(actor=convener, tags=spec.tags, **spec.fields())
    steward = convener
    for seat in seats:
        seat_member(community, seat, people[seat.username], convener=convener, steward=steward)
        if seat.role == Role.FACILITATOR:
            steward = people[seat.username]  # facilitators answer join requests once there
    for request in spec.requests:
        join_request = do_request_to_join(actor=people[request.username], community=community,
                                          message=request.message)
        if request.declined_because:
            do_decide_join_request(actor=steward, join_request=join_request, approve=False,
                                   response=request.declined_because)
    for invite in spec.invitations:
        do_invite_member(actor=convener, community=community, email=demo_email(invite.local_part),
                         role=invite.role, message=invite.message)
    return community


# Communities were founded a year or more ago, so their conversations and events have a history.
FOUNDED_DAYS_AGO = 420


def backdate_founding(community: Community, *, days: int) -> None:
    """Move a new community's founding, its members' arrival and what was recorded about it
    back in time (a day apart each), leaving pending requests and open invitations recent."""
    from cultivate.activity.models import Activity

    founded = timezone.now() - timedelta(days=days)
    Community.objects.filter(pk=community.pk).update(created_at=founded)
    for offset, membership in enumerate(Membership.objects.filter(community=community)
                                        .order_by("joined_at", "pk")):
        Membership.objects.filter(pk=membership.pk).update(
            joined_at=founded + timedelta(days=offset, hours=1))
    recorded = Activity.objects.filter(community=community).order_by("occurred_at", "pk")
    for offset, activity_id in enumerate(recorded.values_list("pk", flat=True)):
        Activity.objects.filter(pk=activity_id).update(
            occurred_at=founded + timedelta(days=offset, hours=1))


# What the apps' demos did "now" happened over the last weeks, in the order it was done.
SPREAD_OVER_DAYS = 60


def spread_fresh_activity(*, since) -> None:
    """Give each activity recorded during this seeding the time of its target when that was
    backdated (an applied record, a harvested question), else a time over the last weeks in
    the order it was recorded, so the stream and the charts read as a history."""
    from cultivate.activity.models import Activity

    fresh = list(Activity.objects.filter(occurred_at__gte=since).order_by("occurred_at", "pk")
                 .select_related("target_type"))
    if not fresh:
        return
    step = timedelta(days=SPREAD_OVER_DAYS) / len(fresh)
    start = timezone.now() - timedelta(days=SPREAD_OVER_DAYS)
    for index, activity in enumerate(fresh):
        when = _target_time(activity, since) or start + step * index
        Activity.objects.filter(pk=activity.pk).update(occurred_at=when)


def _target_time(activity, since):
    model = activity.target_type.model_class() if activity.target_type_id else None
    if model is None or "created_at" not in {f.name for f in model._meta.concrete_fields}:
        return None
    created = (model._default_manager.filter(pk=activity.target_id)
               .values_list("created_at", flat=True).first())
    return created if created is not None and created < since else None


def seat_member(community: Community, seat: Seat, user: User, *, convener: User,
                steward: User) -> None:
    """Bring someone in the way the community's join policy would in real life."""
    if community.join_policy == JoinPolicy.OPEN:
        membership = do_join_community(actor=user, community=community)
        if seat.role != Role.MEMBER:
            do_change_role(actor=convener, membership=membership, role=seat.role)
    elif community.join_policy == JoinPolicy.REQUEST and seat.role == Role.MEMBER:
        join_request = do_request_to_join(actor=user, community=community, message=seat.note)
        do_decide_join_request(actor=steward, join_request=join_request, approve=True)
    else:
        # Only conveners may bring someone straight into a role; invitations are how.
        invitation = do_invite_member(actor=convener, community=community, email=user.email,
                                      role=seat.role, message=seat.note)
        do_accept_invitation(actor=user, token=invitation.token)


def summary(added: int) -> str:
    communities = Community.objects.filter(slug__in=[spec.slug for spec in COMMUNITIES])
    people = User.objects.filter(email__iendswith="@" + DEMO_DOMAIN).exclude(
        username=ADMIN_USERNAME)
    counts = {
        "communities": communities.count(),
        "people": people.count(),
        "memberships": Membership.objects.filter(community__in=communities).count(),
        "requests": JoinRequest.objects.filter(community__in=communities,
                                               status=RequestStatus.PENDING).count(),
        "invitations": Invitation.objects.filter(
            community__in=communities, accepted_at__isnull=True, revoked_at__isnull=True,
            expires_at__gt=timezone.now()).count(),
    }
    lines = [_("Demo landscape: %(communities)d communities, %(people)d people, "
               "%(memberships)d memberships, %(requests)d pending join requests, "
               "%(invitations)d open invitations.") % counts]
    if not added:
        lines.append(_("It was already in place: nothing was added."))
    roles = ", ".join(f"{username} ({Role(role).label.lower()})"
                      for role, username in SHOWCASE.items())
    lines.append(_("Sign in as %(roles)s or %(admin)s (platform admin), password %(password)s.")
                 % {"roles": roles, "admin": ADMIN_USERNAME, "password": DEMO_PASSWORD})
    return "\n".join(lines)

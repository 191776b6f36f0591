"""The one place that decides who may see and do what.

Views, API routes and (later) websockets ask here; hiding a button is never the check.
A person's *standing* in a community (anonymous, outsider, pending, a role, platform admin)
and the community's visibility and join policy decide the verbs allowed.
"""

from datetime import timedelta
from enum import StrEnum

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cultivate.communities.models import (
    Community,
    JoinPolicy,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Visibility,
)
from cultivate.core.errors import NotAllowed


class Standing(StrEnum):
    ANONYMOUS = "anonymous"
    OUTSIDER = "outsider"  # signed in, not a member
    PENDING = "pending"  # signed in, asked to join, not yet decided
    MEMBER = Role.MEMBER.value
    CORE = Role.CORE.value
    FACILITATOR = Role.FACILITATOR.value
    CONVENER = Role.CONVENER.value
    SPONSOR = Role.SPONSOR.value
    ADMIN = "admin"  # platform admin, not a member


class Can(StrEnum):
    SEE = "see"  # know it exists: name, tagline, tags, case for membership
    READ = "read"  # charter, members and their roles, recent activity
    JOIN = "join"  # become a member at once
    REQUEST_TO_JOIN = "request_to_join"
    LEAVE = "leave"
    EDIT = "edit"  # charter, case for membership, settings
    INVITE = "invite"
    DECIDE_REQUESTS = "decide_requests"
    MANAGE_MEMBERS = "manage_members"  # change roles, remove members
    START_TOPIC = "start_topic"  # a discussion or a question
    REPLY = "reply"
    ANNOUNCE = "announce"  # start an announcement
    MODERATE = "moderate"  # pin, lock, close topics; restore deleted posts
    ADAPT_FORMATS = "adapt_formats"  # say how the community runs catalogue formats
    CURATE = "curate"  # choose and order the key resources on the community home
    PLAN_EVENTS = "plan_events"  # plan, change, cancel events; run their live backchannel
    RSVP = "rsvp"  # answer going / maybe / not going to an event
    TAKE_PART_LIVE = "take_part_live"  # post, vote and answer polls in a live backchannel
    VIEW_INSIGHTS = "view_insights"  # the community dashboard, levels of everyone, network
    TUNE_LEVELS = "tune_levels"  # change the thresholds of the levels of participation
    MEET_PEOPLE = "meet_people"  # one's own suggestions of people to connect with (members)
    # Who may see it and its address: widening exposes conversations, so conveners decide.
    CHANGE_VISIBILITY = "change_visibility"
    # About a person's own account, not a community: see `account_verbs`.
    EXPORT_OWN_DATA = "export_own_data"  # download an archive of one's own data
    ERASE_OWN_ACCOUNT = "erase_own_account"  # ask for (and cancel) the erasure of one's account
    SEE_ERASURE_REQUESTS = "see_erasure_requests"  # list them, carry one out at once (admins)
    SEE_AUDIT = "see_audit"  # the community's audit trail: moderation, roles, deletions
    # Value creation (the evaluation app)
    RECORD_APPLIED = "record_applied"  # "I applied this", and answer its follow-up
    WRITE_VALUE_STORY = "write_value_story"  # one's own value-creation story
    WRITE_STORY_FOR_OTHERS = "write_story_for_others"  # on someone's behalf, with consent
    CORROBORATE = "corroborate"  # confirm a step of someone else's story
    APPROVE_STORY_VISIBILITY = "approve_story_visibility"  # beyond the community
    DEFINE_INDICATORS = "define_indicators"  # custom indicators and their targets
    ENTER_INDICATOR_VALUES = "enter_indicator_values"  # figures of custom indicators
    VIEW_VALUE = "view_value"  # indicators, the value-creation matrix, the sponsor report
    # Community health (the health app)
    VIEW_HEALTH = "view_health"  # the health check, stage history, pulse results
    TUNE_HEALTH = "tune_health"  # the signals' thresholds for this community
    CHANGE_STAGE = "change_stage"  # move the lifecycle stage, saying why
    SEND_PULSE = "send_pulse"  # send a pulse survey to the members
    ANSWER_PULSE = "answer_pulse"  # answer one, once
    RECORD_ATTENDANCE = "record_attendance"  # the check-in list of an event's occurrence
    CHECK_IN = "check_in"  # one's own attendance with the room's code
    ASSESS_MATURITY = "assess_maturity"  # open, rate and close a maturity self-assessment
    PLAN = "plan"  # write the community's action plan


MEMBER_STANDINGS = frozenset(
    {Standing.MEMBER, Standing.CORE, Standing.FACILITATOR, Standing.CONVENER, Standing.SPONSOR}
)
STEWARDS = frozenset({Standing.CONVENER, Standing.FACILITATOR, Standing.ADMIN})
MANAGERS = frozenset({Standing.CONVENER, Standing.ADMIN})


def is_platform_admin(user) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


_UNKNOWN = object()


def standing_of(user, community: Community, *, role=_UNKNOWN) -> Standing:
    """One or two small queries; call once per request and pass the result around.
    `role` is the user's role there when the caller already read it (None: not a member)."""
    if not is_signed_in(user):
        return Standing.ANONYMOUS
    if role is _UNKNOWN:
        role = (
            Membership.objects.filter(community=community, user=user)
            .values_list("role", flat=True)
            .first()
        )
    if role is not None:
        return Standing(role)
    if is_platform_admin(user):
        return Standing.ADMIN
    pending = JoinRequest.objects.filter(
        community=community, user=user, status=RequestStatus.PENDING
    ).exists()
    return Standing.PENDING if pending else Standing.OUTSIDER


def allowed(standing: Standing, community: Community) -> frozenset[Can]:
    """Every verb this standing may perform on this community."""
    verbs: set[Can] = set()
    is_member = standing in MEMBER_STANDINGS
    public = community.visibility == Visibility.PUBLIC
    if is_member or standing == Standing.ADMIN:
        verbs |= {Can.SEE, Can.READ}
    else:
        if community.visibility != Visibility.PRIVATE or standing == Standing.PENDING:
            verbs.add(Can.SEE)
        if public:
            verbs.add(Can.READ)
    if is_member:
        verbs |= {Can.LEAVE, Can.MEET_PEOPLE}
        verbs |= {Can.RECORD_APPLIED, Can.WRITE_VALUE_STORY, Can.CORROBORATE}
        verbs |= {Can.ANSWER_PULSE, Can.CHECK_IN}
    if is_member or standing == Standing.ADMIN:
        verbs |= {Can.START_TOPIC, Can.REPLY, Can.RSVP, Can.TAKE_PART_LIVE}
    if standing in (Standing.OUTSIDER, Standing.PENDING) and Can.SEE in verbs:
        if community.join_policy == JoinPolicy.OPEN:
            verbs.add(Can.JOIN)  # also for a request left pending when the policy opened
        elif community.join_policy == JoinPolicy.REQUEST and standing == Standing.OUTSIDER:
            verbs.add(Can.REQUEST_TO_JOIN)
    if standing in STEWARDS:
        verbs |= {Can.EDIT, Can.INVITE, Can.DECIDE_REQUESTS, Can.ANNOUNCE, Can.MODERATE}
        verbs.add(Can.ADAPT_FORMATS)
        verbs.add(Can.CURATE)
        verbs.add(Can.PLAN_EVENTS)
        verbs |= {Can.VIEW_INSIGHTS, Can.TUNE_LEVELS}
        verbs |= {Can.WRITE_STORY_FOR_OTHERS, Can.APPROVE_STORY_VISIBILITY,
                  Can.DEFINE_INDICATORS, Can.ENTER_INDICATOR_VALUES, Can.VIEW_VALUE}
        verbs |= {Can.VIEW_HEALTH, Can.TUNE_HEALTH, Can.CHANGE_STAGE, Can.SEND_PULSE,
                  Can.RECORD_ATTENDANCE, Can.ASSESS_MATURITY, Can.PLAN}
    if standing == Standing.SPONSOR:
        verbs.add(Can.VIEW_INSIGHTS)  # sponsors see the value created, not page views
        verbs |= {Can.VIEW_VALUE, Can.ENTER_INDICATOR_VALUES, Can.VIEW_HEALTH}
    if standing in MANAGERS:
        verbs |= {Can.MANAGE_MEMBERS, Can.CHANGE_VISIBILITY, Can.SEE_AUDIT}
    return frozenset(verbs)


def can(user, verb: Can, community: Community) -> bool:
    return verb in allowed(standing_of(user, community), community)


def may_accept_answer(user, standing: Standing, topic) -> bool:
    """The asker, or a steward of the community, picks the accepted answer of a question."""
    if standing in STEWARDS:
        return True
    return is_signed_in(user) and topic.author_id == user.pk and standing in MEMBER_STANDINGS


def may_change_post(user, standing: Standing, post) -> bool:
    """Authors edit and delete their own posts (while members); stewards any post."""
    if standing in STEWARDS:
        return True
    return is_signed_in(user) and post.author_id == user.pk and standing in MEMBER_STANDINGS


def changeable_post_ids(user, standing: Standing, posts) -> set[int]:
    """The posts of `posts` this user may edit or delete: `may_change_post` for a whole page."""
    if standing in STEWARDS:
        return {post.pk for post in posts}
    if not is_signed_in(user) or standing not in MEMBER_STANDINGS:
        return set()
    return {post.pk for post in posts if post.author_id == user.pk}


def may_change_resource(user, standing: Standing, resource) -> bool:
    """Whoever added a library resource edits and deletes it (while a member); stewards any."""
    if standing in STEWARDS:
        return True
    return is_signed_in(user) and resource.added_by_id == user.pk and standing in MEMBER_STANDINGS


def has_verified_email(user, email: str | None = None) -> bool:
    """Whether the user proved they own an address (this one, when given; any otherwise)."""
    if not is_signed_in(user):
        return False
    addresses = EmailAddress.objects.filter(user=user, verified=True)
    if email is not None:
        addresses = addresses.filter(email__iexact=email.strip())
    return addresses.exists()


def is_established(user) -> bool:
    """An account trusted to make the platform send mail to strangers: a platform admin, or a
    verified address and an account older than CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS."""
    if is_platform_admin(user):
        return True
    if not has_verified_email(user):
        return False
    age = timedelta(hours=settings.CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS)
    return user.date_joined <= timezone.now() - age


def may_restore_deleted(user, standing: Standing, community: Community, deleted_by_id) -> bool:
    """Stewards restore any deleted post or resource; a member restores what they deleted
    themselves (not what a moderator hid). The restore window is the action's to check."""
    if Can.MODERATE in allowed(standing, community):
        return True
    return (is_signed_in(user) and deleted_by_id is not None and deleted_by_id == user.pk
            and standing in MEMBER_STANDINGS)


def can_create_community(user) -> bool:
    """CULTIVATE_COMMUNITY_CREATION: anyone signed in, those with a verified address (the
    default), or platform admins only."""
    rule = settings.CULTIVATE_COMMUNITY_CREATION
    if not is_signed_in(user):
        return False
    if is_platform_admin(user) or rule == "anyone":
        return True
    return rule == "verified" and has_verified_email(user)


def may_decide_claim(user, placeholder, *, claimant=None) -> bool:
    """Who approves a claim on an imported placeholder account: platform admins, and conveners
    of any community the placeholder is a member of; never the claimant themselves."""
    if not is_signed_in(user) or (claimant is not None and claimant.pk == user.pk):
        return False
    if is_platform_admin(user):
        return True
    return Membership.objects.filter(
        user=user, role=Role.CONVENER, community__memberships__user=placeholder).exists()


def claims_decidable_by(user, claims: QuerySet) -> QuerySet:
    """The claims of `claims` this user may decide: the queryset twin of may_decide_claim."""
    if not is_signed_in(user):
        return claims.none()
    claims = claims.exclude(claimant=user)
    if is_platform_admin(user):
        return claims
    convened = Membership.objects.filter(
        user=user, role=Role.CONVENER, community__memberships__user=OuterRef("placeholder"))
    return claims.filter(Exists(convened))


def account_verbs(user, account) -> frozenset[Can]:
    """Verbs about a person's own account (`account`, None for the platform-wide ones).
    Export and erasure are for oneself only: a platform admin may neither download someone
    else's data nor ask for their erasure here (deleting in /admin/ erases under the same rule)."""
    if not is_signed_in(user):
        return frozenset()
    verbs = set()
    if account is not None and account.pk == user.pk:
        verbs |= {Can.EXPORT_OWN_DATA, Can.ERASE_OWN_ACCOUNT}
    if is_platform_admin(user):
        verbs.add(Can.SEE_ERASURE_REQUESTS)
    return frozenset(verbs)


def check_account(user, verb: Can, account=None) -> None:
    if verb not in account_verbs(user, account):
        raise NotAllowed(f"not allowed to {verb}")


def check(standing: Standing, verb: Can, community: Community) -> None:
    """Raise NotAllowed unless allowed; hide the community (404) when it may not even be seen."""
    verbs = allowed(standing, community)
    if verb not in verbs:
        raise NotAllowed(f"not allowed to {verb}", hide=Can.SEE not in verbs)


def access_community(user, slug: str, verb: Can = Can.SEE) -> tuple[Community, Standing]:
    """Fetch a community by slug and check the verb: 404 for missing and for hidden alike."""
    community = Community.objects.filter(slug=slug).order_by().first()
    if community is None:
        raise NotAllowed("no such community", hide=True)
    standing = standing_of(user, community)
    check(standing, verb, community)
    return community, standing


def visibility_scope(user) -> str:
    """A cache-key word for who is looking: everyone sees the same directory except members of
    private communities (per person) and platform admins (everything)."""
    if is_platform_admin(user):
        return "admin"
    return f"user:{user.pk}" if is_signed_in(user) else "anonymous"


def visible_communities(user) -> QuerySet[Community]:
    """Communities the directory may list to this user: the queryset twin of Can.SEE."""
    communities = Community.objects.all()
    if is_platform_admin(user):
        return communities
    shown = ~Q(visibility=Visibility.PRIVATE)
    if is_signed_in(user):
        member = Membership.objects.filter(community=OuterRef("pk"), user=user)
        pending = JoinRequest.objects.filter(
            community=OuterRef("pk"), user=user, status=RequestStatus.PENDING
        )
        shown |= Q(Exists(member)) | Q(Exists(pending))
    return communities.filter(shown)


def role_in_community(user, community_ref="community_id") -> Subquery:
    """The user's role in the community `community_ref` points to, as a subquery, so a row of
    that community's content and the reader's standing come in one query."""
    return Subquery(Membership.objects.filter(community=OuterRef(community_ref), user=user)
                    .values("role")[:1])


def readers_among(users: QuerySet, community: Community) -> QuerySet:
    """The users of `users` who may read the community: the queryset twin of Can.READ,
    for sending mail to many people without asking about each one."""
    users = users.filter(is_active=True)
    if community.visibility == Visibility.PUBLIC:
        return users
    member = Membership.objects.filter(community=community, user=OuterRef("pk"))
    return users.filter(Q(Exists(member)) | Q(is_superuser=True))


def insight_communities(user) -> QuerySet[Community]:
    """Communities whose dashboards this user may see: the queryset twin of VIEW_INSIGHTS."""
    if is_platform_admin(user):
        return Community.objects.all()
    if not is_signed_in(user):
        return Community.objects.none()
    roles = (Role.CONVENER, Role.FACILITATOR, Role.SPONSOR)
    return Community.objects.filter(Exists(Membership.objects.filter(
        community=OuterRef("pk"), user=user, role__in=roles)))


def value_communities(user) -> QuerySet[Community]:
    """Communities whose indicators, matrix and sponsor report this user may read: the
    queryset twin of VIEW_VALUE (the same people as for insights)."""
    return insight_communities(user)


def health_communities(user) -> QuerySet[Community]:
    """Communities whose health check this user may read: the queryset twin of VIEW_HEALTH."""
    return insight_communities(user)


def audited_communities(user) -> QuerySet[Community]:
    """Communities whose audit trail this user may read: the queryset twin of SEE_AUDIT."""
    if is_platform_admin(user):
        return Community.objects.all()
    if not is_signed_in(user):
        return Community.objects.none()
    return Community.objects.filter(Exists(Membership.objects.filter(
        community=OuterRef("pk"), user=user, role=Role.CONVENER)))


def readable_communities(user) -> QuerySet[Community]:
    """Communities this user may read: the queryset twin of Can.READ."""
    if is_platform_admin(user):
        return Community.objects.all()
    readable = Q(visibility=Visibility.PUBLIC)
    if is_signed_in(user):
        readable |= Q(Exists(Membership.objects.filter(community=OuterRef("pk"), user=user)))
    return Community.objects.filter(readable)


# --- methods (practice library) -----------------------------------------------------------

def method_standings(user, method) -> dict[int, Standing]:
    """The user's standing in each community a method belongs to (its home and those it is
    shared with), by community id."""
    communities = [method.community, *method.shared_with.all()]
    if not is_signed_in(user):
        return {c.pk: Standing.ANONYMOUS for c in communities}
    roles = dict(Membership.objects.filter(user=user, community__in=communities)
                 .values_list("community_id", "role"))
    return {c.pk: standing_of(user, c, role=roles.get(c.pk)) for c in communities}


def can_read_method(method, standings: dict[int, Standing]) -> bool:
    """Shared with the landscape: everyone. Otherwise whoever may read one of its communities."""
    if method.sharing == "landscape":
        return True
    communities = {method.community.pk: method.community,
                   **{c.pk: c for c in method.shared_with.all()}}
    return any(Can.READ in allowed(standings[pk], c) for pk, c in communities.items())


def may_edit_method(method, standings: dict[int, Standing]) -> bool:
    """Members of its communities edit, unless a steward of its home restricted the page."""
    if may_steward_method(method, standings):
        return True
    if method.is_restricted:
        return False
    return may_contribute_to_method(standings)


def may_contribute_to_method(standings: dict[int, Standing]) -> bool:
    """Tell a story, comment on one, list oneself as a practitioner: members of its
    communities."""
    return any(standing in MEMBER_STANDINGS for standing in standings.values())


def may_edit_story(user, story, standings: dict[int, Standing]) -> bool:
    """Its author while a member of the method's communities; stewards of its community."""
    if standings.get(story.community_id) in STEWARDS:
        return True
    return (is_signed_in(user) and story.author_id == user.pk
            and may_contribute_to_method(standings))


def may_steward_method(method, standings: dict[int, Standing]) -> bool:
    """Restrict editing, share it and delete it: the stewards of its home community."""
    return standings.get(method.community_id) in STEWARDS


# --- live backchannel ----------------------------------------------------------------------

def may_join_live_as_guest(channel) -> bool:
    """Anyone with the code, signed in or not, when the facilitators let guests in."""
    return channel.guests_allowed and channel.is_open


def may_post_live(participant, channel, verbs: frozenset[Can]) -> bool:
    """Post, vote and answer polls: an open channel and a participant not removed; members by
    their standing, guests by the channel letting guests in."""
    if not channel.is_open or participant is None or participant.removed_at is not None:
        return False
    if participant.user_id is None:
        return may_join_live_as_guest(channel)
    return Can.TAKE_PART_LIVE in verbs or may_join_live_as_guest(channel)


# --- value-creation stories ------------------------------------------------------------------

def may_edit_value_story(user, standing: Standing, story) -> bool:
    """Whose story it is and who wrote it (while members); stewards of its community. Stories
    the platform proposed are the teller's to confirm, edit or dismiss."""
    if not is_signed_in(user):
        return False
    if standing in STEWARDS and story.status != "proposed":
        return True
    return standing in MEMBER_STANDINGS and user.pk in (story.teller_id, story.written_by_id)


def may_read_value_story(user, standing: Standing, story) -> bool:
    """Unpublished stories: only those who may edit them. Published ones by their effective
    visibility: public for anyone, landscape for anyone signed in, community for its readers."""
    if story.status != "published":
        return may_edit_value_story(user, standing, story)
    visibility = story.effective_visibility
    if visibility == "public":
        return True
    if visibility == "landscape":
        return is_signed_in(user)
    # "The community's members": not every reader of a public community.
    return standing in MEMBER_STANDINGS or standing == Standing.ADMIN


def readable_value_stories(user, stories: QuerySet) -> QuerySet:
    """The published stories of `stories` this user may read: the queryset twin of
    may_read_value_story for lists and search (drafts are listed to their authors apart)."""
    stories = stories.filter(status="published")
    approved_wider = Q(visibility_approved_at__isnull=False) & ~Q(visibility="community")
    public = approved_wider & Q(visibility="public")
    if is_platform_admin(user):
        return stories
    if not is_signed_in(user):
        return stories.filter(public)
    members = Q(Exists(Membership.objects.filter(community=OuterRef("community"), user=user)))
    return stories.filter(approved_wider | members)

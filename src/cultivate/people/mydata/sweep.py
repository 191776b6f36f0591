"""What carrying out an erasure changes across the apps. Called by `erasure.do_carry_out_erasure`
inside its transaction, with the person's row locked; nothing here checks permissions.

The account row stays, under a pseudonym, so every row attached to it keeps pointing at one
(now anonymous) person: activity, levels and network rows are unchanged and community analytics
do not move. What identifies the person (names, e-mail, profile, sign-in) goes.

Deleting contributions ("delete" mode), the rule for content others built on:
- replies: soft-deleted as the conversations app deletes, and their text removed;
- a topic they started: removed with its posts when nobody else posted in it; otherwise it
  stays (others' replies need their context) with its opening text removed;
- a method they created: removed when nobody else saved a version of it or told a story about
  it; otherwise it stays, pseudonymised, as the shared page it has become;
- stories (with the comments on them), their comments, live items: removed;
- library resources: soft-deleted as the resources app deletes;
- value-creation stories told as theirs: removed; "I applied this" records and follow-ups stay
  as counts (indicators do not move) with their words removed.
"""

import secrets

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cultivate.communities.actions.membership import adjust_member_count
from cultivate.communities.models import (
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cultivate.conversations.models import (
    CommunitySubscription,
    Notification,
    Post,
    PostRevision,
    Topic,
    TopicFollow,
)
from cultivate.core.realtime import access_changed_after_commit
from cultivate.events.models import CalendarFeed
from cultivate.live.models import Item, Participant
from cultivate.people.models import FORMER_MEMBER, AccountClaim, ClaimStatus, User
from cultivate.practice.models import Method, MethodRevision, Practitioner, Story, StoryComment
from cultivate.resources.models import Resource


def new_pseudonym() -> str:
    while True:
        name = f"former-member-{secrets.token_hex(5)}"
        if not User.objects.filter(username=name).exists():
            return name


def delete_contributions(user: User) -> dict:
    """Remove what the person wrote (see the module docstring). Returns counts."""
    now = timezone.now()
    others_posted = Post.objects.filter(topic=OuterRef("pk"), deleted_at__isnull=True).exclude(
        author=user)
    topics = Topic.objects.filter(author=user)
    lonely = list(topics.exclude(Exists(others_posted)).values_list("pk", flat=True))
    Topic.objects.filter(pk__in=lonely).delete()
    posts = Post.objects.filter(author=user)
    PostRevision.objects.filter(post__in=posts).delete()
    removed_posts = posts.update(body="", body_html="", deleted_at=now, deleted_by=user)
    edited_by_others = MethodRevision.objects.filter(method=OuterRef("pk")).exclude(author=user)
    storied_by_others = Story.objects.filter(method=OuterRef("pk")).exclude(author=user)
    methods = (Method.objects.filter(created_by=user)
               .exclude(Exists(edited_by_others)).exclude(Exists(storied_by_others)))
    removed_methods = methods.delete()[1].get(Method._meta.label, 0)
    removed_stories = Story.objects.filter(author=user).delete()[1].get(Story._meta.label, 0)
    StoryComment.objects.filter(author=user).delete()
    Item.objects.filter(participant__user=user).delete()
    removed_resources = Resource.objects.filter(added_by=user, deleted_at__isnull=True).update(
        deleted_at=now, deleted_by=user)
    _delete_value_contributions(user)
    return {"topics_removed": len(lonely), "posts_removed": removed_posts,
            "methods_removed": removed_methods, "stories_removed": removed_stories,
            "resources_removed": removed_resources}


def _delete_value_contributions(user: User) -> None:
    """Their value-creation stories go; their applied records stay as counts, without words."""
    from cultivate.evaluation.models import AppliedRecord, Corroboration, FollowUp, ValueStory

    ValueStory.objects.filter(teller=user).delete()
    AppliedRecord.objects.filter(user=user).update(note="")
    FollowUp.objects.filter(applied__user=user).update(what_changed="", for_whom="",
                                                       may_quote=False)
    Corroboration.objects.filter(user=user).update(note="")
    from cultivate.events.models import EventFeedback
    from cultivate.health.models import MaturityRating

    EventFeedback.objects.filter(user=user).update(will_apply="")  # the scores stay, wordless
    MaturityRating.objects.filter(user=user).update(note="")


def end_memberships(user: User) -> None:
    """Leave every community (the caller checked the last-convener rule) and withdraw requests
    and claims. No "member left" activity: the community's analytics must not change."""
    for membership in Membership.objects.filter(user=user).select_related("community"):
        membership.delete()
        adjust_member_count(membership.community, -1)
    JoinRequest.objects.filter(user=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=timezone.now())
    AccountClaim.objects.filter(claimant=user, status=ClaimStatus.PENDING).update(
        status=ClaimStatus.WITHDRAWN, decided_at=timezone.now())
    access_changed_after_commit(user.pk)  # open live sockets check again and close


def forget_person(user: User, pseudonym: str) -> None:
    """Blank the profile and everything that lets anyone sign in or reach the person."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    addresses = [user.email, *EmailAddress.objects.filter(user=user).values_list("email",
                                                                              flat=True)]
    invited = Q()
    for address in filter(None, addresses):
        invited |= Q(email__iexact=address)
    if invited:  # invitations name the person by address: open ones go, used ones forget it
        Invitation.objects.filter(invited, accepted_at__isnull=True).delete()
    Invitation.objects.filter(accepted_by=user).update(email="")
    JoinRequest.objects.filter(user=user).update(message="")
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    user.access_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    CalendarFeed.objects.filter(user=user).delete()
    for personal in (TopicFollow, CommunitySubscription, Notification, Practitioner):
        personal.objects.filter(user=user).delete()
    Participant.objects.filter(user=user).update(display_name=str(FORMER_MEMBER)[:40])
    user.expertise.clear()
    user.groups.clear()
    user.user_permissions.clear()
    for field in ("first_name", "last_name", "email", "display_name", "bio", "organisation",
                  "location", "language"):
        setattr(user, field, "")
    user.username, user.languages, user.time_zone = pseudonym, [], "UTC"
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()  # also ends every session (their auth hash changes)
    user.erased_at = timezone.now()
    user.save()


def only_convener_of(user: User) -> list[str]:
    """Names of the communities the person is the only convener of."""
    others = Membership.objects.filter(community=OuterRef("community"), role=Role.CONVENER).exclude(
        user=user)
    return list(Membership.objects.filter(user=user, role=Role.CONVENER)
                .exclude(Exists(others)).order_by("community__name")
                .values_list("community__name", flat=True))


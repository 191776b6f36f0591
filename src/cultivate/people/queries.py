from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cultivate import policy
from cultivate.communities.models import Membership, Visibility
from cultivate.conversations.models import Post, Topic
from cultivate.people.actions.claims import sees_claim
from cultivate.people.models import (
    AccountClaim,
    ClaimStatus,
    PersonalAccessToken,
    TokenRevocation,
    User,
    hash_token,
)


def profile(username: str) -> User | None:
    """An active person, or an imported placeholder (claimed or not: views follow a merge);
    never an erased account."""
    return (
        User.objects.filter(username=username)
        .filter(Q(is_active=True) | Q(placeholder_ref__isnull=False), erased_at__isnull=True)
        .select_related("merged_into")
        .prefetch_related("expertise")
        .first()
    )


def active_tokens(user: User):
    return list(user.access_tokens.filter(revoked_at__isnull=True).order_by("-created_at"))


def tokens_revoked_by_password_change(user: User, *, days: int = 30):
    """Tokens a password change revoked lately, so the tokens page can say why they are gone."""
    since = timezone.now() - timedelta(days=days)
    return list(user.access_tokens.filter(revoked_reason=TokenRevocation.PASSWORD_CHANGED,
                                          revoked_at__gte=since).order_by("-revoked_at"))


def token_owner_id(secret: str) -> int | None:
    """Whose active token this is (the rate limiter keys all of a person's tokens together)."""
    if not secret.startswith(PersonalAccessToken.PREFIX) or len(secret) > 200:
        return None
    return (PersonalAccessToken.objects
            .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
            .values_list("user_id", flat=True).first())


def _readable_by(viewer) -> Q:
    """Topics in communities the viewer may read (the Q twin of Can.READ on topics)."""
    if policy.is_platform_admin(viewer):
        return Q()
    readable = Q(community__visibility=Visibility.PUBLIC)
    if policy.is_signed_in(viewer):
        member = Membership.objects.filter(community=OuterRef("community_id"), user=viewer)
        readable |= Q(Exists(member))
    return readable


def recent_topics(viewer, person: User, limit: int = 10) -> list[Topic]:
    """Topics the person started, in communities the viewer may read, newest first."""
    return list(Topic.objects.filter(author=person).filter(_readable_by(viewer))
                .select_related("community").order_by("-created_at")[:limit])


def post_count(viewer, person: User) -> int:
    topics = Topic.objects.filter(_readable_by(viewer))
    return Post.objects.filter(author=person, deleted_at__isnull=True,
                               topic__in=topics.values("pk")).count()


# --- claims on imported accounts ---------------------------------------------------------------

def _claims() -> QuerySet[AccountClaim]:
    return AccountClaim.objects.select_related("claimant", "placeholder", "decided_by")


def claims_to_decide(user) -> list[AccountClaim]:
    """Pending claims this user may decide, oldest first."""
    pending = _claims().filter(status=ClaimStatus.PENDING)
    return list(policy.claims_decidable_by(user, pending).order_by("created_at", "id")[:200])


def own_claims(user, limit: int = 50) -> list[AccountClaim]:
    if not policy.is_signed_in(user):
        return []
    return list(_claims().filter(claimant=user)[:limit])


def has_claims_to_show(user) -> bool:
    """Whether the header links to the claims page: something to decide or one's own waiting."""
    if not policy.is_signed_in(user):
        return False
    pending = AccountClaim.objects.filter(status=ClaimStatus.PENDING)
    return (pending.filter(claimant=user).exists()
            or policy.claims_decidable_by(user, pending).exists())


def pending_claim(user, placeholder: User) -> AccountClaim | None:
    if not policy.is_signed_in(user):
        return None
    return AccountClaim.objects.filter(claimant=user, placeholder=placeholder,
                                       status=ClaimStatus.PENDING).first()


def visible_claim(user, claim_id) -> AccountClaim | None:
    """A claim the user made, decided or may decide; None for anything else (shown as 404)."""
    try:
        claim_id = int(claim_id)
    except (TypeError, ValueError):
        return None
    claim = _claims().filter(pk=claim_id).first()
    return claim if claim is not None and sees_claim(user, claim) else None

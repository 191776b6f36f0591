"""What the import commands share: who runs an import when `--as` is not given."""

from django.core.management.base import CommandError

from cultivate.communities.models import Community, Membership, Role
from cultivate.people.models import User


def import_actor(community: Community, username: str | None) -> User:
    """The account named by `--as`, else the community's first convener."""
    if username:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user {username}.")
        return actor
    convener = (Membership.objects.filter(community=community, role=Role.CONVENER)
                .select_related("user").order_by("joined_at").first())
    if convener is None:
        raise CommandError("The community has no convener: pass --as USERNAME.")
    return convener.user

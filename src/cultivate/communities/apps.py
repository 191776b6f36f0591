from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommunitiesConfig(AppConfig):
    name = "cultivate.communities"
    label = "communities"

    def ready(self) -> None:
        from cultivate.core.page_cache import LANDSCAPE, RELATED_SCOPES, community_scope

        # A community's own row (name, visibility, charter, stage) shows in the directory and
        # on every page of it, however it was saved (actions, the admin).
        RELATED_SCOPES["communities.community"] = lambda community: [
            LANDSCAPE, community_scope(community.pk)]
        post_save.connect(community_changed, sender="communities.Community",
                          dispatch_uid="community-changed")
        post_delete.connect(community_changed, sender="communities.Community",
                            dispatch_uid="community-deleted")
        from cultivate.core import warmup

        if main_pages not in warmup.PATHS:
            warmup.PATHS.append(main_pages)


def main_pages() -> list[str]:
    """The pages of the biggest public community, rendered once when a worker starts."""
    from cultivate.communities.queries import biggest_public_community

    community = biggest_public_community()
    return [f"/c/{community.slug}/", f"/c/{community.slug}/members/"] if community else []


def community_changed(sender, instance, **kwargs) -> None:
    from cultivate.core.page_cache import expire, scopes_of

    expire(*scopes_of(instance))

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
    from cultivate.communities.models import Community

    slug = (Community.objects.filter(visibility="public").order_by("-member_count")
            .values_list("slug", flat=True).first())
    return [f"/c/{slug}/", f"/c/{slug}/members/"] if slug else []


def community_changed(sender, instance, **kwargs) -> None:
    from cultivate.core.page_cache import expire, scopes_of

    expire(*scopes_of(instance))

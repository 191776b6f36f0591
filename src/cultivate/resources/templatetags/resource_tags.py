from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import community_scope
from cultivate.policy import Can
from cultivate.resources import queries

register = template.Library()


@register.simple_tag
def key_resources(community, can=()) -> SafeString:
    """The key resources section of a community home (one query; shared by every reader with
    the same access until content changes). `can`: the verbs the home has for the viewer."""
    can_curate = Can.CURATE.value in can
    return cached_fragment(
        "home-key-resources", community.pk, can_curate, scopes=(community_scope(community.pk),),
        render=lambda: render_to_string("resources/_home_key_resources.html", {
            "community": community, "key_resources": queries.key_resources(community),
            "can_curate": can_curate}))

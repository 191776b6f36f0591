"""The conversations panel of a community home: the latest topics and the questions waiting."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cultivate.conversations import queries
from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import community_scope

register = template.Library()

ON_HOME = 5


@register.simple_tag
def home_conversations(community) -> SafeString:
    return cached_fragment("home-conversations", community.pk,
                           scopes=(community_scope(community.pk),), render=lambda: render_to_string(
        "conversations/_home_conversations.html", {
            "community": community,
            "latest": queries.latest_topics(community, ON_HOME),
            "waiting": queries.questions_waiting(community, ON_HOME)}))

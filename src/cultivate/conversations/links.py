"""Links between topics: a post that links to a topic shows up under it as "Linked from"."""

import re
from urllib.parse import urlparse

from django.conf import settings

from cultivate.conversations.models import Topic, TopicLink
from cultivate.core.page_cache import expire

TOPIC_PATH = re.compile(r"(https?://[^\s/()<>\]\"']+)?/c/([-\w]+)/t/(\d+)")
MAX_LINKS = 20


def record_topic_links(post, *, edited: bool = False) -> None:
    """Remember which topics this post links to (relative or absolute links to this site);
    after an edit, forget the links it no longer has."""
    wanted = _linked_topic_refs(post.body)
    if edited:
        dropped = TopicLink.objects.filter(from_post=post)
        expire(*(f"conversations.topic:{pk}" for pk in dropped.values_list("to_topic_id",
                                                                           flat=True)))
        dropped.delete()
    if not wanted:
        return
    ids = {topic_id for _slug, topic_id in wanted}
    targets = [topic for topic in Topic.objects.filter(pk__in=ids).select_related("community")
               if (topic.community.slug, topic.pk) in wanted and topic.pk != post.topic_id]
    TopicLink.objects.bulk_create([TopicLink(from_post=post, to_topic=t) for t in targets],
                                  ignore_conflicts=True)
    expire(*(f"conversations.topic:{t.pk}" for t in targets))  # their "Linked from" grows


def _linked_topic_refs(body: str) -> set[tuple[str, int]]:
    own_host = urlparse(settings.SITE_URL).netloc
    refs = set()
    for host, slug, topic_id in TOPIC_PATH.findall(body or ""):
        if host and urlparse(host).netloc != own_host:
            continue
        refs.add((slug, int(topic_id)))
        if len(refs) >= MAX_LINKS:
            break
    return refs

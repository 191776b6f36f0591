"""Keeping methods and their stories findable by the search (conversations/search.py)."""

from cultivate.conversations import search
from cultivate.practice.models import Method, Sharing, Story


def _scopes(method: Method) -> dict:
    return {"community_ids": [method.community_id,
                              *method.shared_with.values_list("pk", flat=True)],
            "public": method.sharing == Sharing.LANDSCAPE}


def index_method(method: Method) -> None:
    """The method and its stories, readable where the method is."""
    title, body = method.search_document()
    scopes = _scopes(method)
    search.index_document("method", method.pk, title=title, body=body,
                          url=method.get_absolute_url(), **scopes)
    for story in method.stories.all():
        index_story(story, scopes)


def index_story(story: Story, scopes: dict | None = None) -> None:
    title, body = story.search_document()
    search.index_document("story", story.pk, title=title, body=body,
                          url=story.get_absolute_url(), **(scopes or _scopes(story.method)))

"""Keeping the catalogue and the communities' adaptations findable by the one search
(conversations/search.py): formats by everyone, an adaptation by readers of its community."""

from cultivate.conversations import search
from cultivate.formats.models import CommunityFormat, LearningFormat


def index_format(learning_format: LearningFormat) -> None:
    title, body = learning_format.search_document()
    search.index_document("format", learning_format.pk, title=title, body=body,
                          url=learning_format.get_absolute_url(), public=True)


def index_adaptation(adaptation: CommunityFormat) -> None:
    title, body = adaptation.search_document()
    search.index_document("adaptation", adaptation.pk, title=title, body=body,
                          url=adaptation.get_absolute_url(),
                          community_ids=[adaptation.community_id],
                          language=adaptation.community.main_language)


def index_catalogue() -> int:
    """Index every format (after loading the built-in ones); returns how many."""
    formats = list(LearningFormat.objects.all())
    for learning_format in formats:
        index_format(learning_format)
    return len(formats)

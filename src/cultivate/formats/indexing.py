"""Keeping the catalogue and the communities' adaptations findable by the one search
(conversations/search.py): formats by everyone, an adaptation by readers of its community."""

from django.conf import settings
from django.utils import translation

from cultivate.conversations import search
from cultivate.formats import catalogue_i18n
from cultivate.formats.models import CommunityFormat, LearningFormat


def index_format(learning_format: LearningFormat) -> None:
    """Indexed in English with the catalogue's translations, so a reader finds a built-in
    format in any interface language."""
    title, body = learning_format.search_document()
    body = "\n\n".join([body, *catalogue_i18n.plain_texts(learning_format.slug)])
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
    with translation.override(settings.LANGUAGE_CODE):
        formats = list(LearningFormat.objects.all())
    for learning_format in formats:
        index_format(learning_format)
    return len(formats)

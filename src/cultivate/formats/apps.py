from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormatsConfig(AppConfig):
    name = "cultivate.formats"
    label = "formats"
    verbose_name = _("Learning-activity formats")

    def ready(self):
        from cultivate.conversations.search import DOCUMENT_TITLES, forget_when_deleted
        from cultivate.formats.catalogue_i18n import title_in_active_language
        from cultivate.formats.models import CommunityFormat, LearningFormat

        DOCUMENT_TITLES["format"] = title_in_active_language
        forget_when_deleted(LearningFormat, "format")
        forget_when_deleted(CommunityFormat, "adaptation")

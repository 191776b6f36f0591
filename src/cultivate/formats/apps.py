from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormatsConfig(AppConfig):
    name = "cultivate.formats"
    label = "formats"
    verbose_name = _("Learning-activity formats")

    def ready(self):
        from cultivate.conversations.search import forget_when_deleted
        from cultivate.formats.models import CommunityFormat, LearningFormat

        forget_when_deleted(LearningFormat, "format")
        forget_when_deleted(CommunityFormat, "adaptation")

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "cultivate.attachments"
    label = "attachments"

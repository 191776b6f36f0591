from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "cultivate.resources"
    label = "resources"

    def ready(self):
        from cultivate.conversations.search import forget_when_deleted
        from cultivate.resources.models import Resource

        forget_when_deleted(Resource, "resource")
        from cultivate.core.uploads import register_upload_limit
        from cultivate.resources.limits import UPLOAD_PATHS, max_resource_bytes

        # Files added to the library may be larger than attachments: the early 413 uses ours.
        register_upload_limit(UPLOAD_PATHS, max_resource_bytes)
        from cultivate.core.retention import PURGERS
        from cultivate.resources.actions import do_purge_deleted_resources

        PURGERS["resources"] = do_purge_deleted_resources

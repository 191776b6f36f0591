from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cultivate.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "community", "uploader", "content_type", "size",
                    "created_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256", "community__name", "uploader__username")
    raw_id_fields = ("community", "uploader")
    date_hierarchy = "created_at"
    readonly_fields = ("link", "stored_as", "content_type", "size", "sha256", "created_at")
    fields = ("link", "original_name", "community", "uploader", "stored_as", "content_type",
              "size", "sha256", "created_at")

    @admin.display(description=_("stored as"))
    def stored_as(self, obj):
        return obj.file.name  # not a link: storage has no public URL

    @admin.display(description=_("open"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False  # uploads go through the checks in do_upload_attachment

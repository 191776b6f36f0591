from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cultivate.resources.models import KeyResource, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "form", "resource_type", "language", "added_by",
                    "created_at", "deleted_at")
    list_filter = ("form", "resource_type", "language")
    search_fields = ("title", "summary", "url", "original_name", "sha256", "community__name",
                     "added_by__username")
    raw_id_fields = ("community", "added_by", "deleted_by")
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"
    readonly_fields = ("link", "form", "stored_as", "original_name", "content_type", "size",
                       "sha256", "created_at", "updated_at", "edited_at")
    fields = ("link", "title", "community", "added_by", "form", "resource_type", "language",
              "summary", "url", "body", "tags", "stored_as", "original_name", "content_type",
              "size", "sha256", "created_at", "updated_at", "edited_at", "deleted_at",
              "deleted_by")

    @admin.display(description=_("stored as"))
    def stored_as(self, obj):
        return obj.file.name  # not a link: storage has no public URL

    @admin.display(description=_("open"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.title)

    def has_add_permission(self, request):
        return False  # resources go through the checks in do_add_resource


@admin.register(KeyResource)
class KeyResourceAdmin(admin.ModelAdmin):
    list_display = ("community", "position", "resource", "added_by", "added_at")
    raw_id_fields = ("community", "resource", "added_by")
    list_select_related = ("community", "resource")

"""The catalogue is managed here by platform admins (new formats, corrections). Admin edits
bypass actions by design, so they write no Activity rows."""

from django.conf import settings
from django.contrib import admin
from django.utils import translation

from cultivate.formats.indexing import index_format
from cultivate.formats.models import CommunityFormat, FormatPurpose, LearningFormat


class PurposeInline(admin.TabularInline):
    model = FormatPurpose
    extra = 0


@admin.register(LearningFormat)
class LearningFormatAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "formality", "source", "duration_min", "duration_max",
                    "is_builtin", "updated_at")
    list_filter = ("formality", "source", "is_builtin", "purposes__purpose")
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("related",)
    inlines = [PurposeInline]

    def get_object(self, request, object_id, from_field=None):
        # Admins correct the English the catalogue is written in, whatever their language.
        with translation.override(settings.LANGUAGE_CODE):
            return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_format(obj)  # new and corrected formats are found by the search at once


@admin.register(CommunityFormat)
class CommunityFormatAdmin(admin.ModelAdmin):
    list_display = ("format", "community", "adapted_by", "updated_at")
    list_filter = ("format",)
    search_fields = ("format__name", "community__name", "notes")
    raw_id_fields = ("community", "format", "adapted_by")

from django.contrib import admin

from cultivate.core.models import MailBounce, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(MailBounce)
class MailBounceAdmin(admin.ModelAdmin):
    """Deleting a row turns mail back on for the address."""

    list_display = ("email", "bounces_in_row", "last_bounce_at", "suppressed_at")
    list_filter = (("suppressed_at", admin.EmptyFieldListFilter),)
    search_fields = ("email",)
    readonly_fields = ("email", "bounces_in_row", "last_bounce_at", "last_reason",
                       "suppressed_at")

    def has_add_permission(self, request):
        return False  # bounces come from received mail

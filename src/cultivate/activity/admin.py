from django.contrib import admin

from cultivate.activity.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor", "verb", "community", "target_type", "target_id")
    list_filter = ("verb",)
    search_fields = ("verb", "actor__username", "community__name")
    raw_id_fields = ("actor", "community")
    date_hierarchy = "occurred_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

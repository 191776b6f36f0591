from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from cultivate.people.models import PersonalAccessToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "organisation", "location",
                                   "time_zone", "languages", "expertise")}),
    )
    list_display = ("username", "email", "display_name", "organisation", "is_active",
                    "is_superuser")
    search_fields = ("username", "email", "display_name", "organisation")
    filter_horizontal = ("groups", "user_permissions", "expertise")


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name")
    raw_id_fields = ("user",)
    readonly_fields = ("token_hash", "hint")

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from cultivate.people.models import AccountClaim, PersonalAccessToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "organisation", "location",
                                   "time_zone", "languages", "expertise")}),
        (_("Import"), {"fields": ("placeholder_ref", "merged_into", "merged_at")}),
    )
    list_display = ("username", "email", "display_name", "organisation", "is_active",
                    "is_superuser")
    readonly_fields = ("placeholder_ref", "merged_into", "merged_at")
    search_fields = ("username", "email", "display_name", "organisation")
    filter_horizontal = ("groups", "user_permissions", "expertise")


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name")
    raw_id_fields = ("user",)
    readonly_fields = ("token_hash", "hint")


@admin.register(AccountClaim)
class AccountClaimAdmin(admin.ModelAdmin):
    """Read-only here: deciding a claim merges accounts, which only the claims page does."""

    list_display = ("placeholder", "claimant", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("claimant__username", "placeholder__username", "placeholder__placeholder_ref")
    readonly_fields = ("claimant", "placeholder", "evidence", "status", "decided_by",
                       "decided_at", "decision_note", "created_at")

    def has_add_permission(self, request):
        return False

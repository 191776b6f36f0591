"""Platform admins manage every community here. Admin edits bypass actions by design (it is the
operator's escape hatch), so they write no Activity rows."""

from django.contrib import admin

from cultivate.communities.models import Community, Invitation, JoinRequest, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "stage", "visibility", "join_policy", "member_count",
                    "created_at")
    list_filter = ("kind", "stage", "visibility", "join_policy")
    search_fields = ("name", "slug", "tagline")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("tags",)
    raw_id_fields = ("created_by",)
    readonly_fields = ("member_count",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "role", "joined_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "community__name")
    raw_id_fields = ("user", "community")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__username", "community__name")
    raw_id_fields = ("user", "community", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "community", "role", "created_at", "expires_at", "accepted_at",
                    "revoked_at")
    search_fields = ("email", "community__name")
    raw_id_fields = ("community", "invited_by", "accepted_by")
    readonly_fields = ("token",)

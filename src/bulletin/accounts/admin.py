from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from bulletin.accounts.models import ApiToken, Membership, User


@admin.register(User)
class BulletinUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Byline", {"fields": ("display_name",)}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("blog", "user", "role")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "hint", "scopes", "created_at", "revoked_at")
    readonly_fields = ("token_hash", "hint")

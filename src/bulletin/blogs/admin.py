"""Site administrators can look at everything; writes to reader-visible rows go through the desk
and API so that every change reaches the change log."""

from django.contrib import admin

from bulletin.blogs.models import Change, Entry, LiveBlog, Media


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(LiveBlog)
class LiveBlogAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "status", "seq", "updated_at")
    search_fields = ("title", "slug")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("headline", "blog", "status", "revision", "display_at")
    list_filter = ("status", "is_key_event")
    search_fields = ("headline",)


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ("blog", "seq", "kind", "public", "entry", "created_at")
    list_filter = ("kind", "public")


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("file", "alt", "credit", "created_at")

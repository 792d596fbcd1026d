from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from reader.forms.accounts import AdminSignInForm
from reader.models import Annotation, Document, Membership, Outlet, Project, SuggestionRejection
from reader.validators import validate_username

# The admin's sign-in counts failures like the app's, so staff passwords cannot be guessed.
admin.site.login_form = AdminSignInForm


class _SharedUsernameRule:
    """Staff name accounts by the rule sign-up and imports use (validators.py)."""

    cleaned_data: dict

    def clean_username(self) -> str:
        inherited = getattr(super(), "clean_username", None)  # the creation form's own
        username = inherited() if inherited else self.cleaned_data.get("username")
        if username:
            validate_username(username)
        return username or ""


class ReaderUserCreationForm(_SharedUsernameRule, AdminUserCreationForm):
    pass


class ReaderUserChangeForm(_SharedUsernameRule, UserChangeForm):
    pass


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class ReaderUserAdmin(UserAdmin):
    form = ReaderUserChangeForm
    add_form = ReaderUserCreationForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["name"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "project"]
    list_filter = ["project", "outlet__kind"]
    search_fields = ["title", "origin"]
    # The text and its hash are fixed at import: offsets of every annotation point into it.
    # Project and outlet too: moving a document would split it from its annotations' team.
    readonly_fields = ["project", "outlet", "text", "content_hash", "added_by", "created"]

    def has_add_permission(self, request) -> bool:
        return False  # sources are added through the app, which normalises the text


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    """View and delete only: edits go through services, which keep note_html and the
    version number right."""

    list_display = ["__str__", "kind", "document", "author", "modified", "version"]
    list_filter = ["kind", "document__project"]
    search_fields = ["quote_exact", "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SuggestionRejection)
class SuggestionRejectionAdmin(admin.ModelAdmin):
    """View and delete only: deleting a rejection lets the engine propose it again."""

    list_display = ["value", "facet", "document", "rejected_by", "created"]
    list_filter = ["project"]
    search_fields = ["value", "quote_exact"]
    readonly_fields = ["project", "document", "facet", "start", "end", "quote_exact", "value"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

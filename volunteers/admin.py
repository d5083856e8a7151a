from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from volunteers.models import Commune, Hamlet, Province, RoleAssignment, Team, TeamMembership, Volunteer


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["official_code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]

    @admin.display(description=_("code"), ordering="code")
    def official_code(self, commune):
        return commune.official_code

    def get_search_results(self, request, queryset, search_term):
        """A code is found as written (08782) or as a number (8782)."""
        found, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isascii() and term.isdigit() and len(term) <= 9:
            found |= queryset.filter(code=int(term))
        return found, distinct


@admin.register(Hamlet)
class HamletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "is_active"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["volunteer"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune", "hamlet"]
    inlines = [MembershipInline]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "phone", "commune", "is_active"]
    list_filter = ["is_active", "is_union_member"]
    search_fields = ["search_name", "phone"]
    autocomplete_fields = ["commune", "hamlet", "user"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "commune", "province"]
    list_filter = ["role"]
    search_fields = ["user__username", "commune__name", "province__name"]
    autocomplete_fields = ["user", "commune", "province"]


class FullNameUserAdmin(UserAdmin):
    """Accounts with one "Họ và tên" field, as Vietnamese names are written (family name first),
    instead of Django's "first name" and "last name" that turned "Lê Khánh Linh" around."""

    list_display = ["username", "first_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "first_name", "email", "password1", "password2")},
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "first_name":
            field.label = _("Full name")
            field.max_length = 150
        return field


admin.site.unregister(User)
admin.site.register(User, FullNameUserAdmin)

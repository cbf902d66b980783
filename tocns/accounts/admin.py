from django.contrib import admin

from .models import Assignment, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["unit", "created_by", "ended_by"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "phone", "is_active"]
    search_fields = ["username", "full_name_folded", "phone"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [AssignmentInline]

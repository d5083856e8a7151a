from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Places, teams and volunteers")

    def ready(self):
        from django.db.backends.signals import connection_created

        connection_created.connect(_register_sqlite_collation, dispatch_uid="volunteers_vi_collation")

        from auditlog.registry import auditlog
        from axes.signals import user_locked_out

        from volunteers.models import RoleAssignment

        auditlog.register(RoleAssignment)
        user_locked_out.connect(_audit_lockout, dispatch_uid="volunteers_audit_lockout")


def _audit_lockout(sender, request, username, ip_address, **kwargs):
    from django.contrib.auth import get_user_model

    from volunteers.audit import audit_event

    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        audit_event(user, "sign-in locked", address=ip_address)


def _register_sqlite_collation(sender, connection, **kwargs):
    """SQLite sorts "Đ" after "z" by code point; the "vi" collation sorts it after "D"."""
    if connection.vendor == "sqlite":
        from volunteers.text import collation_compare

        connection.connection.create_collation("vi", collation_compare)

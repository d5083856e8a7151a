from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Places, teams and volunteers")

    def ready(self):
        from django.db.backends.signals import connection_created

        connection_created.connect(_register_sqlite_collation, dispatch_uid="volunteers_vi_collation")


def _register_sqlite_collation(sender, connection, **kwargs):
    """SQLite sorts "Đ" after "z" by code point; the "vi" collation sorts it after "D"."""
    if connection.vendor == "sqlite":
        from volunteers.text import collation_compare

        connection.connection.create_collation("vi", collation_compare)

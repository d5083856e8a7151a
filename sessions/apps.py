from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "help_sessions"
    verbose_name = _("Help sessions")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from sessions.models import HelpSession

        # Planning, closing, reopening, cancelling and restoring a shift (volunteers/audit.py).
        auditlog.register(
            HelpSession,
            include_fields=["status", "closed_at", "date", "starts_at", "ends_at", "team", "place_kind"],
        )

        from sessions.models import Service, ServiceCategory
        from sessions.selectors import forget_service_catalogue

        for model in (Service, ServiceCategory):
            post_save.connect(
                forget_service_catalogue, sender=model, dispatch_uid=f"catalogue-{model.__name__}"
            )
            post_delete.connect(
                forget_service_catalogue, sender=model, dispatch_uid=f"catalogue-{model.__name__}-x"
            )

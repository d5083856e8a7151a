from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "help_sessions"
    verbose_name = _("Help sessions")

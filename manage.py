#!/usr/bin/env python
"""Django's command-line utility; a malformed setting stops it with one line, not a traceback."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import SettingsError

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as error:
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()

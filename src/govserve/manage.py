"""The `govserve` command: Django's manage.py, installed as a console script."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - read the settings now, before any command
    except ImproperlyConfigured as exc:
        # Settings that refuse to start (production without its keys …) say what to do: that
        # message alone, not a traceback through settings.py.
        sys.exit(f"govserve: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

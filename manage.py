#!/usr/bin/env python
"""Django's command-line utility for MediJourney."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        if type(exc).__name__ != "RefusedConfiguration":
            raise
        # Production settings refused to load: say why in one line, without a stack trace.
        sys.stderr.write(f"MediJourney refuses to start: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

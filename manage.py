#!/usr/bin/env python
"""Django's command-line entry point; settings default to production (`make demo` and tests say which they use)."""
from __future__ import annotations

import os
import sys


def main() -> None:
    # Production by default: a server started without configuration refuses to start, naming what is missing.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""The ``gongkai`` command: a thin wrapper around Django's management commands.

``gongkai import``, ``gongkai check`` … map to commands whose Django names would clash with
Python keywords or with Django's own ``check``.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

ALIASES = {
    "import": "import_documents",
    "check": "check_figures",
    "system-check": "check",
    "learn-questions": "learn_questions",
    "optimize-db": "optimize_db",
    "publish-scheduled": "publish_scheduled",
    "extract-attachments": "extract_attachments",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "gongkai"
    import django
    from django.core.management import execute_from_command_line

    try:
        # Load the settings first: Django's own runner would hide a bad value behind
        # "Unknown command", or end in a traceback, instead of naming the variable.
        django.setup()
        execute_from_command_line(argv)
    except ImproperlyConfigured as e:
        sys.stderr.write(f"gongkai: 配置错误：{e}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

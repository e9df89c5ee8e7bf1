"""The ``gongkai`` command: a thin wrapper around Django's management commands.

``gongkai import``, ``gongkai check`` … map to commands whose Django names would clash with
Python keywords or with Django's own ``check``.
"""

import os
import sys

ALIASES = {
    "import": "import_documents",
    "check": "check_figures",
    "system-check": "check",
    "learn-questions": "learn_questions",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "gongkai"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

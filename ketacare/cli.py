"""The `ketacare` command: Django management under the project's settings.

ketacare demo | serve | migrate | createclinic | audit verify | <any manage.py command>
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ketacare", *sys.argv[1:]])


if __name__ == "__main__":
    main()

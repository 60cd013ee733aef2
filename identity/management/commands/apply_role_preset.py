from argparse import ArgumentParser

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from identity.accounts import create_group
from identity.presets import PRESETS, apply_preset


class Command(BaseCommand):
    help = "Grant a role preset (operator, business-user, auditor, process-admin) to a group."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("preset", choices=sorted(PRESETS))
        parser.add_argument("--group", required=True, help="group id; created when missing")

    def handle(self, *args: object, **options: str) -> None:
        group_id = options["group"]
        try:
            if not Group.objects.filter(name=group_id).exists():
                # The command runs as the installation itself (no user): it is not checked.
                create_group(None, group_id, name=group_id)
                self.stdout.write(f"Created group '{group_id}'.")
            changed = apply_preset(None, options["preset"], group_id)
        except Exception as error:  # engine errors carry a sentence for the operator
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Preset '{options['preset']}' applied to group '{group_id}': "
            f"{changed} authorization{'s' if changed != 1 else ''} added or extended."
        )

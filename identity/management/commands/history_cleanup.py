from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand

from identity.cleanup import cleanup_history


class Command(BaseCommand):
    help = (
        "Remove the history of ended instances whose historyTimeToLive has passed, in batches, "
        "inside LEGATO_HISTORY_CLEANUP_WINDOW (or now, with --now)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="run outside the window too")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--max-batches", type=int, default=None)

    def handle(self, *args: object, **options: object) -> None:
        run = cleanup_history(
            batch_size=options["batch_size"],  # type: ignore[arg-type]
            max_batches=options["max_batches"],  # type: ignore[arg-type]
            ignore_window=bool(options["now"]),
        )
        if run is None:
            self.stdout.write(
                f"Outside the cleanup window {settings.LEGATO_HISTORY_CLEANUP_WINDOW}: "
                "nothing removed (use --now to run anyway)."
            )
            return
        self.stdout.write(
            f"Removed the history of {run.instances_removed} process instances in "
            f"{run.batches} batches ({run.outcome})."
        )

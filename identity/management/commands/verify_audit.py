from django.core.management.base import BaseCommand, CommandError

from identity.audit import verify_chain


class Command(BaseCommand):
    help = "Check the user operation log's hash chain: 'intact (N entries)' or where it breaks."

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if not report.intact:
            # CommandError exits with status 1 and prints to stderr.
            raise CommandError(str(report))
        self.stdout.write(str(report))

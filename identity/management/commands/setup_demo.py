from django.conf import settings
from django.core.management.base import BaseCommand

from identity.demo import ensure_demo_user


class Command(BaseCommand):
    help = "Create the demo user demo/demo and the demo data (idempotent; LEGATO_DEMO=0 skips it)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.LEGATO_DEMO:
            self.stdout.write("LEGATO_DEMO=0: no demo data created.")
            return
        user = ensure_demo_user()
        self.stdout.write(f"Demo user '{user.username}' is ready (password 'demo' unless changed).")

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.setup import deploy_demo_processes, join_demo_groups
from identity.demo import ensure_demo_user


class Command(BaseCommand):
    help = (
        "Create the demo user demo/demo and deploy the demo processes "
        "(idempotent; LEGATO_DEMO=0 skips it)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.LEGATO_DEMO:
            self.stdout.write("LEGATO_DEMO=0: no demo data created.")
            return
        user = ensure_demo_user()
        join_demo_groups(user)
        deployed = deploy_demo_processes(user)
        self.stdout.write(f"Demo user '{user.username}' is ready (password 'demo' unless changed).")
        self.stdout.write(f"Demo processes deployed: {deployed} new version(s).")

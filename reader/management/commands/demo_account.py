"""Create (or reset) the local demo account with a fresh password, and print it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reader.models import Project
from reader.services.projects import account_reset_password
from reader.vocabularies import Role

DEMO_PROJECT = "idlib-2020"
# Only this account: the command must never reset a real user's password.
DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create or reset the demo account (owner of the demo project) with a new password."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="Where `make run` serves (HOST)."
        )

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=DEMO_PROJECT).first()
        if project is None:
            raise CommandError("The demo project is missing: run `make demo` first.")
        _, password = account_reset_password(
            username=DEMO_USERNAME, project=project, role=Role.OWNER
        )
        self.stdout.write(
            "\n"
            "  Demo account (new password on every run; this machine only)\n"
            f"    username: {DEMO_USERNAME}\n"
            f"    password: {password}\n"
            f"  Open http://{options['address']}/ and sign in.\n"
        )

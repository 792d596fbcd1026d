"""Create (or reset) the local demo account with a fresh password, and print it."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reader.models import Project
from reader.services import projects
from reader.vocabularies import Role

DEMO_PROJECT = "idlib-2020"
# Only this account: the command must never reset a real user's password.
DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create or reset the demo account (owner of the demo project) with a new password."

    def handle(self, *args, **options) -> None:
        username = DEMO_USERNAME
        project = Project.objects.filter(slug=DEMO_PROJECT).first()
        if project is None:
            raise CommandError("The demo project is missing: run `make demo` first.")
        user, _ = get_user_model().objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        projects.membership_set(project=project, user=user, role=Role.OWNER)
        self.stdout.write(
            "\n"
            "  Demo account (new password on every run; this machine only)\n"
            f"    username: {username}\n"
            f"    password: {password}\n"
            "  Open http://127.0.0.1:8000/ and sign in.\n"
        )

"""The writes of an import: running one (all or nothing, or a dry run for the preview) and
recording it, the upload waiting for its preview, and what only an import does (accounts
an operator's bundle names, a project made from one, original times kept).

Every import is all or nothing. The whole input is checked first and every problem is
reported, each naming its record and field; only input with no problem is written, in one
transaction. A dry run does the same work and rolls it back, for a preview.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reader.models import Document, PendingImport, Project
from reader.services.changes import activity_record
from reader.validators import validate_username
from reader.vocabularies import Action, ForeignAuthors

if TYPE_CHECKING:
    from reader.formats import Format

MAX_PROBLEMS = 50
PENDING_LIFETIME = datetime.timedelta(days=1)
ERROR_NAIVE_TIME = "An imported time must give its time zone."


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[str], *, unanchored: list[str] | None = None) -> None:
        # When the only problems are annotations that cannot be anchored: those, so the
        # preview can offer to import the others (w3c_import's skip_unanchored).
        self.unanchored = unanchored or []
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        if more:
            self.problems.append(f"…and {more} more problems.")
        super().__init__(f"{len(problems)} problem(s), nothing imported: {problems[0]}")


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    new_members: list[str] = field(default_factory=list)  # restored by the operator
    invitations: list[str] = field(default_factory=list)  # made for an upload's members
    unknown_members: list[str] = field(default_factory=list)  # no account here: left out
    credited: list[str] = field(default_factory=list)  # whose work went to the importer
    skipped: list[str] = field(default_factory=list)  # not anchored: left out, by choice
    # Annotations made on an older version of their source, by where re-anchoring put them.
    reanchored: Counter = field(default_factory=Counter)
    project: Project | None = None

    def count(self, name: str, *, existed: bool) -> None:
        (self.existing if existed else self.created)[name] += 1

    def summary(self) -> str:
        parts = [f"{count} {name}" for name, count in sorted(self.created.items()) if count]
        kept = [f"{count} {name}" for name, count in sorted(self.existing.items()) if count]
        text = "Imported " + (", ".join(parts) or "nothing new")
        text += f"; already present: {', '.join(kept)}" if kept else ""
        if self.reanchored:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(self.reanchored.items()))
            text += f"; made on older versions, re-anchored onto the latest: {counts}"
        if self.skipped:
            text += f"; skipped {len(self.skipped)} that could not be anchored"
        if self.credited:  # the original authors stay on record here, and only here
            text += f"; credited to the importer: the work of {', '.join(self.credited)}"
        return text + "."

    def preview(self) -> dict:
        """What a dry run found, as the preview page shows it."""
        names = sorted(set(self.created) | set(self.existing))
        return {
            "counts": [(name, self.created[name], self.existing[name]) for name in names],
            "new_members": self.new_members,
            "invitations": self.invitations,
            "unknown_members": self.unknown_members,
            "credited": self.credited,
            "skipped": self.skipped,
            "reanchored": sorted(self.reanchored.items()),
        }


class _DryRun(Exception):
    pass


@contextlib.contextmanager
def dry_run_rollback(dry_run: bool) -> Iterator[None]:
    """One transaction for the writes inside; rolled back at the end of a dry run. A
    validation error from a service refuses the import with its messages."""
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as error:
        raise ImportRefused(error.messages) from error


def import_record(*, report: ImportReport, actor, source: str, document_id: int | None = None):
    """The project's record of an import: what it came from and its counts (none for an
    import that added nothing, as loading the demo again does)."""
    if not any(report.created.values()):
        return None
    assert report.project is not None, "a reader always names the project it wrote to"
    return activity_record(
        project_id=report.project.pk,
        actor=actor,
        action=Action.IMPORTED,
        summary=f"{source}: {report.summary()}",
        document_id=document_id,
    )


@transaction.atomic
def import_run(
    *,
    format: Format,
    data,
    actor,
    source: str,
    project: Project | None = None,
    document: Document | None = None,
    keep_authors: bool = False,
    foreign_authors: str = ForeignAuthors.IMPORTER,
    create_accounts: bool = False,
    dry_run: bool = False,
    skip_unanchored: bool = False,
) -> ImportReport:
    """Import `data` (parsed JSON) in the format, and record it unless it is a dry run.
    `actor` is the person importing (None from the command line for a bundle: the
    server's operator, who alone may `create_accounts`)."""
    if create_accounts and actor is not None:
        raise ValueError("only the operator's import makes accounts")
    report = format.read(
        data=data,
        project=project,
        document=document,
        actor=actor,
        keep_authors=keep_authors,
        foreign_authors=foreign_authors,
        create_accounts=create_accounts,
        dry_run=dry_run,
        **({"skip_unanchored": True} if skip_unanchored else {}),
    )
    if not dry_run:
        import_record(
            report=report, actor=actor, source=source, document_id=document.pk if document else None
        )
    return report


@transaction.atomic
def pending_import_create(
    *,
    project: Project,
    user,
    kind: str,
    document: Document | None,
    filename: str,
    payload: str,
    preview: dict,
) -> PendingImport:
    """Keep an upload for its preview. One upload waits per person and project: a new one
    replaces the last; those left for longer than PENDING_LIFETIME go."""
    PendingImport.objects.filter(created__lt=timezone.now() - PENDING_LIFETIME).delete()
    PendingImport.objects.filter(project=project, user=user).delete()
    pending = PendingImport(
        project=project,
        user=user,
        kind=kind,
        document=document,
        filename=filename[: PendingImport._meta.get_field("filename").max_length],
        payload=payload,
        preview=preview,
    )
    pending.full_clean()
    pending.save()
    return pending


@transaction.atomic
def pending_import_delete(*, pending: PendingImport) -> None:
    pending.delete()


@transaction.atomic
def import_user(*, username: str):
    """The account an operator's import names, made without a password when it is missing
    (an owner sets one or invites them); a name sign-up would refuse is refused here too."""
    validate_username(username)
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def import_project(*, slug: str, name: str, description: str) -> tuple[Project, bool]:
    """The project with this slug, made (without members) when it is missing."""
    project = Project.objects.filter(slug=slug).first()
    if project is not None:
        return project, False
    project = Project(slug=slug, name=name, description=description)
    project.full_clean()
    project.save()
    return project, True


@transaction.atomic
def import_history_keep(*, instance, created: datetime.datetime, **fields):
    """Give an imported row its original `created` (and an annotation its `modified`,
    `version`, `accepted` and `hidden_reason`): an import is a move, not a new edit.
    Checked like any write, then stored with update(), as auto_now would stamp the time."""
    fields["created"] = created
    for name, value in fields.items():
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            raise ValidationError({name: ERROR_NAIVE_TIME})
        setattr(instance, name, value)
    instance.full_clean()
    type(instance).objects.filter(pk=instance.pk).update(**fields)
    return instance

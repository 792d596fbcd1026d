"""The bundle keeps everything a project holds after real use: replies (one edited), a
resolved thread, a note and a reply hidden by an owner (the reason, and who), curation, the
trash (with its replies and links, and when and by whom), two annotations by one person on
one span, and what a W3C client sent that Reader keeps. Exported, imported into an empty
instance and exported again: the same bytes, and every field of every row equal.

Not carried, by design: accounts (only usernames; tokens never), the activity log (the
instance's record, where the import records itself), the revision counters that pages
poll (DocumentRevision, Event.revision: counts of this instance's changes)."""

from __future__ import annotations

import datetime
import json
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from reader.models import (
    Annotation,
    DeletedAnnotation,
    Document,
    Entity,
    Event,
    Facet,
    FacetLink,
    Membership,
    Outlet,
    Project,
    Reply,
)
from reader.services.curation import annotation_accept
from reader.services.discussion import (
    moderation_hide,
    reply_create,
    reply_update,
    thread_set_resolved,
)
from reader.services.documents import annotation_create, annotation_delete
from reader.services.events import facet_link_create
from reader.services.projects import membership_set
from reader.vocabularies import Role

NOT_CARRIED = {(Event, "revision")}  # Document's counter is a DocumentRevision row
FOREIGN = {
    "properties": {"generator": {"id": "https://recogito.example", "type": "Software"}},
    "bodies": [{"type": "TextualBody", "purpose": "tagging", "value": "Place"}],
    "target": {"selector": {"type": "TextQuoteSelector", "exact": "Idlib"}},
    "omit": ["motivation"],
}


def export_bundle() -> str:
    out = StringIO()
    call_command("export_project", "idlib-2020", "--format", "bundle", stdout=out)
    return out.getvalue()


def natural(obj) -> object:
    """A row as another instance names it: by its natural key, never by its id."""
    if obj is None:
        return None
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    keys = {
        Project: lambda o: o.slug,
        Outlet: lambda o: o.name,
        Document: lambda o: o.content_hash,
        Event: lambda o: o.name,
        Facet: lambda o: (o.event.name, o.name),
        Annotation: lambda o: (
            o.document.content_hash,
            o.start,
            o.end,
            o.created,
            natural(o.author),
        ),
        Reply: lambda o: (natural(o.annotation), o.created),
        Entity: lambda o: o.name,
    }
    return keys[type(obj)](obj)


def _snapshot(snapshot: list[dict]) -> list:
    """A trashed annotation's rows without the ids they held (another instance's)."""
    ids = {"document", "author", "hidden_by", "annotation", "facet"}
    rows = [
        (row["model"], sorted((k, json.dumps(v)) for k, v in row["fields"].items() if k not in ids))
        for row in snapshot
    ]
    return sorted(rows)


def rows(model) -> list:
    found = []
    for obj in model.objects.all():
        fields = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key or (model, field.name) in NOT_CARRIED:
                continue
            if model is DeletedAnnotation and field.name == "annotation_id":
                continue  # the id it had, on this instance
            if isinstance(field, models.ForeignKey):
                fields[field.name] = natural(getattr(obj, field.name))
            elif field.name == "snapshot":
                fields[field.name] = _snapshot(obj.snapshot)
            else:
                fields[field.name] = getattr(obj, field.name)
        found.append(sorted(fields.items(), key=lambda item: item[0]))
    return sorted(found, key=repr)


MODELS = (Project, Membership, Outlet, Document, Event, Facet, Annotation, FacetLink, Reply)
MODELS += (DeletedAnnotation,)


def everything() -> dict:
    return {model.__name__: rows(model) for model in MODELS}


def real_use(project: Project) -> None:
    owner = get_user_model().objects.create_user("olga")
    membership_set(project=project, user=owner, role=Role.OWNER)
    annotator = project.memberships.filter(role=Role.ANNOTATOR).select_related("user").first().user
    first, second, third, *_ = Annotation.objects.filter(document__project=project).order_by("pk")
    question = reply_create(annotation=first, author=annotator, text="Which ministry said so?")
    reply_update(reply=question, text="Which ministry said so, and when?")  # an edit
    reply_create(annotation=first, author=owner, text="The Turkish defence ministry.")
    thread_set_resolved(annotation=first, resolved=True, actor=owner)
    moderation_hide(item=second, reason="Names a private person", actor=owner)
    rude = reply_create(annotation=second, author=annotator, text="Nonsense.")
    moderation_hide(item=rude, reason="Off topic", actor=owner)
    annotation_accept(annotation=third, actor=owner)
    document = first.document
    start = document.text.index(document.text.split()[3])
    twins = [
        annotation_create(
            document=document, author=annotator, kind="claim", start=start, end=start + 4
        )
        for _ in range(2)
    ]
    facet = Facet.objects.filter(event__project=project).first()
    facet_link_create(annotation=twins[0], facet=facet, author=annotator, value="33")
    reply_create(annotation=twins[0], author=owner, text="Duplicate?")
    annotation_delete(annotation=twins[0], actor=owner)
    annotation_create(
        document=document,
        author=annotator,
        kind="untagged",
        start=start,
        end=start + 4,
        note="From Recogito",
        w3c={
            "slug": "from-recogito",
            "request_key": "k-77",
            "canonical": "urn:uuid:1b1a4f7e-6f7a-4f52-9d7e-2f3b9a1c0d11",
            "via": "#6e8fbd5b",
            "foreign": FOREIGN,
        },
    )


def test_after_real_use_a_bundle_round_trip_loses_nothing(db, tmp_path):
    call_command("load_demo", stdout=StringIO())
    real_use(Project.objects.get(slug="idlib-2020"))
    first = export_bundle()
    before = everything()
    assert before["Reply"] and before["DeletedAnnotation"]
    assert any(("resolved", True) in row for row in before["Annotation"])
    assert any(("hidden_reason", "Off topic") in row for row in before["Reply"])
    Project.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not any(model.objects.exists() for model in MODELS)
    path = tmp_path / "bundle.json"
    path.write_text(first, encoding="utf-8")
    call_command("import_bundle", str(path), "--create-accounts", stdout=StringIO())
    assert export_bundle() == first
    after = everything()
    for name in before:
        assert after[name] == before[name], name


def test_a_version_1_bundle_still_imports(db, tmp_path):
    """A bundle as Reader wrote them before replies, moderation by whom and the trash."""
    call_command("load_demo", stdout=StringIO())
    data = json.loads(export_bundle())
    data["version"] = 1
    data.pop("trash")
    data["project"].pop("created")
    for member in data["members"]:
        member.pop("created")
    for annotation in data["annotations"]:
        for name in ("replies", "resolved", "hidden_by", "accepted", "hidden_reason"):
            annotation.pop(name, None)
    Project.objects.all().delete()
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_bundle", str(path), stdout=StringIO())
    assert Annotation.objects.count() == len(data["annotations"])


def test_the_trash_keeps_its_expiry(db, tmp_path):
    call_command("load_demo", stdout=StringIO())
    annotation = Annotation.objects.order_by("pk").first()
    trashed = annotation_delete(annotation=annotation, actor=None)
    ten_days_ago = trashed.deleted - datetime.timedelta(days=10)
    DeletedAnnotation.objects.filter(pk=trashed.pk).update(deleted=ten_days_ago)
    bundle = export_bundle()
    Project.objects.all().delete()
    path = tmp_path / "bundle.json"
    path.write_text(bundle, encoding="utf-8")
    call_command("import_bundle", str(path), stdout=StringIO())
    assert DeletedAnnotation.objects.get().deleted == ten_days_ago

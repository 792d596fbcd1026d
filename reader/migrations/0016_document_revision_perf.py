"""Documents' revision counters in a table of their own (DocumentRevision): the counter's
UPDATE no longer makes the database rewrite the document's row with its whole text."""

import django.db.models.deletion
from django.db import migrations, models


def copy_revisions(apps, schema_editor):
    Document = apps.get_model("reader", "Document")
    DocumentRevision = apps.get_model("reader", "DocumentRevision")
    DocumentRevision.objects.bulk_create(
        DocumentRevision(document_id=pk, revision=revision)
        for pk, revision in Document.objects.filter(revision__gt=0).values_list("pk", "revision")
    )


def copy_back(apps, schema_editor):
    Document = apps.get_model("reader", "Document")
    DocumentRevision = apps.get_model("reader", "DocumentRevision")
    for pk, revision in DocumentRevision.objects.values_list("document_id", "revision"):
        Document.objects.filter(pk=pk).update(revision=revision)


class Migration(migrations.Migration):
    dependencies = [("reader", "0015_reading_search")]

    operations = [
        migrations.CreateModel(
            name="DocumentRevision",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="counter",
                        serialize=False,
                        to="reader.document",
                    ),
                ),
                ("revision", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(copy_revisions, copy_back),
        migrations.RemoveField(model_name="document", name="revision"),
    ]

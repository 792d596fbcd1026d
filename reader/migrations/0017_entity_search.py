import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    from reader.services.search import entity_search_rebuild

    entity_search_rebuild(get_model=apps.get_model)


class Migration(migrations.Migration):

    dependencies = [
        ('reader', '0016_document_revision'),
    ]

    operations = [
        # A nullable column: SQLite adds it with ALTER TABLE, so the table (and the FTS5
        # triggers on it) stays as migration 0015 made it.
        migrations.AddField(
            model_name='searchentry',
            name='entity',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reader.entity'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

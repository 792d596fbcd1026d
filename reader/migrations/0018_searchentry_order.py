from django.db import migrations, models

# The author filter's index (both databases: checked in the index for every match, not in
# each row), and on SQLite the results' order (source, document, start) as an index, so
# that a common word's first page is read off the index in order instead of sorting every
# match. The expression is reader.selectors.search.SOURCE_RANK_SQL, written out: SQLite
# uses an expression index only for the same expression (tests/test_search.py checks the
# plan). PostgreSQL sorts its matches fast enough without it.
SQLITE_FORWARD = [
    """CREATE INDEX searchentry_order ON reader_searchentry (
        project_id,
        (CASE source WHEN 'event' THEN 0 WHEN 'entity' THEN 1 WHEN 'value' THEN 2
            WHEN 'quote' THEN 3 WHEN 'note' THEN 4 WHEN 'reply' THEN 5 WHEN 'title' THEN 6
            WHEN 'text' THEN 7 END),
        document_id,
        start)""",
]
SQLITE_REVERSE = ["DROP INDEX IF EXISTS searchentry_order"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('reader', '0017_entity_search'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='searchentry',
            index=models.Index(fields=['project', 'author'], name='searchentry_project_author'),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD}), _run({"sqlite": SQLITE_REVERSE})),
    ]

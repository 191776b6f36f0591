from django.db import migrations


def index_catalogue(apps, schema_editor):
    # The search index is derived data: it is written with today's code, not historical
    # models, so the catalogue is searchable on a fresh install (re-run safely at any time).
    from cultivate.formats.indexing import index_catalogue as index_all

    index_all()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_search_documents"),
        ("formats", "0002_builtin_formats"),
    ]

    operations = [migrations.RunPython(index_catalogue, migrations.RunPython.noop)]

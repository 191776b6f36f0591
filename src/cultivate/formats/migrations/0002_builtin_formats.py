"""Load the formats that come with Cultivate (cultivate/formats/builtin.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from cultivate.formats.builtin import load_builtin_formats

    load_builtin_formats(apps.get_model("formats", "LearningFormat"),
                         apps.get_model("formats", "FormatPurpose"))


def unload(apps, schema_editor):
    LearningFormat = apps.get_model("formats", "LearningFormat")
    LearningFormat.objects.filter(is_builtin=True, adaptations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("formats", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

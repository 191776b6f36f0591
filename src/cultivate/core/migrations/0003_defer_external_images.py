"""Rendered Markdown stored before external images became click-to-load gets the same treatment:
every `<name>_html` text field of every model is rewritten by `defer_external_images`."""

from django.db import migrations, models

from cultivate.core.markdown import defer_external_images

BATCH = 500


def _rendered_fields(model) -> list[str]:
    return [field.name for field in model._meta.get_fields()
            if isinstance(field, models.TextField) and field.name.endswith("_html")]


def defer_images_in_stored_html(apps, schema_editor):
    for model in apps.get_models():
        fields = _rendered_fields(model)
        if not fields:
            continue
        having_images = models.Q()
        for name in fields:
            having_images |= models.Q(**{f"{name}__contains": "<img"})
        changed = []
        for row in model._base_manager.filter(having_images).only("pk", *fields).iterator():
            before = [getattr(row, name) for name in fields]
            for name in fields:
                setattr(row, name, defer_external_images(getattr(row, name) or ""))
            if before != [getattr(row, name) for name in fields]:
                changed.append(row)
            if len(changed) >= BATCH:
                model._base_manager.bulk_update(changed, fields)
                changed = []
        if changed:
            model._base_manager.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_documents"),
        ("communities", "0003_community_attribution"),
        ("conversations", "0008_answered_at_and_links"),
        ("events", "0001_initial"),
        ("formats", "0003_index_catalogue"),
        ("live", "0001_initial"),
        ("people", "0003_account_claims"),
        ("practice", "0001_initial"),
        ("resources", "0001_initial"),
    ]

    operations = [migrations.RunPython(defer_images_in_stored_html, migrations.RunPython.noop)]

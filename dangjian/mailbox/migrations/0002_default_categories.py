"""The default letter categories (issue 8): the system administrator changes them afterwards."""

from typing import Any

from django.db import migrations

from dangjian.mailbox.defaults import DEFAULT_CATEGORIES, FALLBACK



def create(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("mailbox", "Category")
    if category.objects.exists():
        return
    for order, (name, words) in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.create(name=name, keywords=words, sort_order=order * 10, is_fallback=name == FALLBACK)


class Migration(migrations.Migration):
    dependencies = [("mailbox", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

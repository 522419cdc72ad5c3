"""Seed the standard matter catalogue (gridgov.catalogue.standard)."""
from django.db import migrations


def load(apps, schema_editor):
    from gridgov.catalogue.services import load_standard

    load_standard(apps.get_model("catalogue", "Category"))


class Migration(migrations.Migration):

    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

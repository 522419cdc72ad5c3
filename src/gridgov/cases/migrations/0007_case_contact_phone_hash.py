"""The contact phone's keyed hash, for searching the queues by a caller's number (issue 17, item 6);
existing cases get theirs from their decrypted phone."""
from django.db import migrations, models

from gridgov.core.crypto import keyed_hash


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    # The historical model keeps the encrypted field's class: values come back decrypted.
    for pk, phone in Case.objects.exclude(contact_phone="").values_list("pk", "contact_phone").iterator():
        Case.objects.filter(pk=pk).update(contact_phone_hash=keyed_hash(phone))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_visit_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="contact_phone_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

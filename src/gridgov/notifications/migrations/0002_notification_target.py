"""Notifications about any object: the foreign key to ``cases.Case`` becomes a generic target
(content type + key). Existing rows keep their case as their target; going back keeps the case
targets (notifications about anything else lose their target, which a case key cannot hold)."""
import django.db.models.deletion
from django.db import migrations, models


def cases_to_targets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    if not Notification.objects.filter(case__isnull=False).exists():
        return
    case_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    Notification.objects.filter(case__isnull=False).update(target_type=case_type, target_id=models.F("case_id"))


def targets_to_cases(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    case_type = ContentType.objects.filter(app_label="cases", model="case").first()
    if case_type is not None:
        Notification.objects.filter(target_type=case_type).update(case_id=models.F("target_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_recent_case_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="target_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (key)"),
        ),
        migrations.AddField(
            model_name="notification",
            name="target_type",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="contenttypes.contenttype", verbose_name="about (kind)"),
        ),
        # The case column goes in the next migration: PostgreSQL refuses to alter a table with the
        # deferred foreign-key checks these updates leave pending in the same transaction.
        migrations.RunPython(cases_to_targets, targets_to_cases),
    ]

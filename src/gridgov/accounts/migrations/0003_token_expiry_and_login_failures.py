"""Tokens get an expiry (existing ones: GRIDGOV_TOKEN_DAYS from now) and the fingerprint of the
password they were issued under (existing ones: their owner's current password, so they survive
the upgrade and die with the next password change); failed sign-ins are recorded for throttling."""
import django.utils.timezone
from django.db import migrations, models

import gridgov.accounts.models
from gridgov.accounts.models import password_fingerprint


def fingerprint_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.password_fingerprint = password_fingerprint(token.user.password)
        token.save(update_fields=["password_fingerprint"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(default=gridgov.accounts.models.token_expiry, verbose_name='expires'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='password_fingerprint',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(max_length=150, verbose_name='username')),
                ('address', models.CharField(max_length=64, verbose_name='address')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
            ],
            options={
                'verbose_name': 'failed sign-in',
                'verbose_name_plural': 'failed sign-ins',
                'indexes': [models.Index(fields=['username', 'at'], name='accounts_lo_usernam_a1dd61_idx'),
                            models.Index(fields=['address', 'at'], name='accounts_lo_address_1c1f03_idx')],
            },
        ),
        migrations.RunPython(fingerprint_existing_tokens, migrations.RunPython.noop),
    ]

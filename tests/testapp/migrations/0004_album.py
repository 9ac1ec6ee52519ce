from django.db import migrations, models

import django_http_errors.fields


class Migration(migrations.Migration):
    dependencies = [
        ("testapp", "0003_version_field"),
    ]

    operations = [
        migrations.CreateModel(
            name="Album",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("version", django_http_errors.fields.VersionField()),
                (
                    "labels",
                    models.ManyToManyField(blank=True, related_name="albums", to="testapp.label"),
                ),
            ],
        ),
    ]

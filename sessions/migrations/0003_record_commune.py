"""Copy each record's commune from its session, so that monthly figures need no join."""

import django.db.models.deletion
from django.db import migrations, models


def copy_commune(apps, schema_editor):
    HelpRecord = apps.get_model("help_sessions", "HelpRecord")
    HelpSession = apps.get_model("help_sessions", "HelpSession")
    for session_id, commune_id in HelpSession.objects.values_list("id", "commune_id").iterator():
        HelpRecord.objects.filter(session_id=session_id).update(commune_id=commune_id)


class Migration(migrations.Migration):
    dependencies = [
        ("help_sessions", "0002_seed_services"),
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="helprecord",
            name="commune",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="volunteers.commune",
            ),
        ),
        migrations.RunPython(copy_commune, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="helprecord",
            name="commune",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="volunteers.commune",
            ),
        ),
        migrations.RemoveIndex(model_name="helprecord", name="help_sessio_helped__bd902f_idx"),
        migrations.AddIndex(
            model_name="helprecord",
            index=models.Index(fields=["commune", "helped_at"], name="help_sessio_commune_bd229b_idx"),
        ),
        migrations.AddIndex(
            model_name="helprecord",
            index=models.Index(fields=["volunteer", "helped_at"], name="help_sessio_volunte_61c521_idx"),
        ),
    ]

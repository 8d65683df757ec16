"""The journey grid: rows across the phases. Every existing board gets one row, in the
customer layer and named in the board's language, holding all its cards in their order."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

FIRST_ROW_NAMES = {"en": "Touchpoints", "nl": "Touchpoints", "de": "Touchpoints"}


def give_every_board_a_row(apps, schema_editor):
    Board = apps.get_model("boards", "Board")
    Row = apps.get_model("boards", "Row")
    Card = apps.get_model("boards", "Card")
    for board_id, language in Board.objects.values_list("pk", "language").iterator():
        row = Row.objects.create(
            board_id=board_id, name=FIRST_ROW_NAMES.get(language, FIRST_ROW_NAMES["en"]), layer="customer", position=0
        )
        Card.objects.filter(phase__board_id=board_id).update(row=row)


class Migration(migrations.Migration):

    dependencies = [
        ("boards", "0004_emotion_rounds"),
    ]

    operations = [
        migrations.CreateModel(
            name="Row",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "layer",
                    models.CharField(
                        choices=[
                            ("customer", "Customer"),
                            ("frontstage", "Frontstage"),
                            ("backstage", "Backstage"),
                            ("support", "Support processes"),
                        ],
                        default="customer",
                        max_length=10,
                        verbose_name="layer",
                    ),
                ),
                (
                    "color",
                    models.CharField(
                        default="#8a94a6",
                        max_length=7,
                        validators=[
                            django.core.validators.RegexValidator("^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")
                        ],
                        verbose_name="colour",
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "board",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="rows", to="boards.board"
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "indexes": [models.Index(fields=["board", "position"], name="boards_row_board_i_3237f3_idx")],
            },
        ),
        migrations.AddField(
            model_name="card",
            name="row",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="cards", to="boards.row"
            ),
        ),
        migrations.RunPython(give_every_board_a_row, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="card",
            name="row",
            field=models.ForeignKey(
                blank=True, on_delete=django.db.models.deletion.CASCADE, related_name="cards", to="boards.row"
            ),
        ),
        migrations.AddIndex(
            model_name="card",
            index=models.Index(fields=["phase", "row", "position"], name="boards_card_phase_i_7bb393_idx"),
        ),
    ]

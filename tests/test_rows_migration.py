"""Migration 0005_rows gives every existing board one row, in the customer layer and named
in the board's language, holding all its cards in their order."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("boards", "0004_emotion_rounds")]
AFTER = [("boards", "0005_rows")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_board_gets_one_row_holding_its_cards_in_order():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Board, Phase, Card = (old.get_model("boards", name) for name in ("Board", "Phase", "Card"))
    owner = User.objects.create(username="olivia")
    boards = {}
    for language in ("en", "nl", "de"):
        board = Board.objects.create(title=f"Board {language}", language=language, owner=owner)
        phase = Phase.objects.create(board=board, name="Use", position=0)
        for position, title in enumerate(("First", "Second")):
            Card.objects.create(phase=phase, title=title, position=position)
        boards[language] = board.pk
    Board.objects.create(title="Empty", language="en", owner=owner)

    new = migrate(AFTER)
    Row, Card = new.get_model("boards", "Row"), new.get_model("boards", "Card")
    try:
        for language, board_id in boards.items():
            [row] = Row.objects.filter(board_id=board_id)
            assert (row.name, row.layer, row.position) == ("Touchpoints", "customer", 0)
            cards = list(Card.objects.filter(phase__board_id=board_id).order_by("position").values_list("title", "row_id"))
            assert cards == [("First", row.pk), ("Second", row.pk)]
        assert Row.objects.count() == 4  # the empty board too
    finally:
        migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()

"""The board's rows read along with its phases: one JSON array of [id, name, layer, colour]
per phase row of a query, so that what lists the phases (the board page, the JSON export)
gets the rows without a query of their own."""

import json

from django.db import connection
from django.db.models.expressions import RawSQL

from .models import Row


def rows_json():
    """An annotation for a Phase query: the phase's board's rows, in order, as JSON (a
    subquery per phase over a handful of rows)."""
    if connection.vendor == "postgresql":
        # As text: the phase query groups by it (its card counts), and json has no equality.
        sql = (
            "SELECT json_agg(json_build_array(r.id, r.name, r.layer, r.color) ORDER BY r.position, r.id)::text "
            "FROM boards_row r WHERE r.board_id = boards_phase.board_id"
        )
    else:
        sql = (
            "SELECT json_group_array(json_array(r.id, r.name, r.layer, r.color)) FROM "
            "(SELECT * FROM boards_row WHERE board_id = boards_phase.board_id ORDER BY position, id) r"
        )
    return RawSQL(sql, ())


def decoded_rows(board_id, value):
    """Unsaved Row objects (with their ids and positions) from a `rows_json` value."""
    items = json.loads(value) if isinstance(value, str) else (value or [])
    return [
        Row(pk=pk, board_id=board_id, name=name, layer=layer, color=color, position=index)
        for index, (pk, name, layer, color) in enumerate(items)
    ]

"""Ids in URLs: ASCII digits within the range of the database's 64-bit keys.

Django's `int` converter turns any run of digits into a Python int, and a query with an
id past 2**63 - 1 fails in the database driver (OverflowError on SQLite, an error on
PostgreSQL) instead of finding nothing. `<id:...>` does not match such an id at all, so
the URL answers 404 like any id that names nothing.
"""

from django.urls import register_converter

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): signed 64-bit.
MAX_ID = 2**63 - 1


def parse_id(text):
    """An id or a count given as text (a URL part, a query parameter): the int, or None for
    anything that is not ASCII digits within MAX_ID ("²" is a digit to str.isdigit)."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is out of range for an id")
        return number

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

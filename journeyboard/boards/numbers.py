"""KPI numbers as people write them: no trailing zeros, the decimal comma of nl/de."""

from decimal import Decimal

from django.utils.formats import number_format


def trimmed(value):
    """3.2000 -> 3.2, 4.0000 -> 4, 400 -> 400 (not 4E+2)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def kpi_number(value):
    """A KPI value in the active language ("3,2" in Dutch and German); "" for none."""
    if value is None or value == "":
        return ""
    value = trimmed(Decimal(value))
    return number_format(value, decimal_pos=max(0, -value.as_tuple().exponent), use_l10n=True)

from django import template
from django.utils.translation import gettext as _

from journeyboard.boards import comments, numbers, ratings

register = template.Library()

register.filter("kpi_number", numbers.kpi_number)
register.filter("author_name", comments.author_name)
register.filter("result_for", ratings.result_for)
register.filter("in_round", ratings.in_round)


@register.filter
def new_card_label(phase_name, row):
    """The accessible name of a cell's new-card field (a filter, not `blocktranslate`: the
    grid page has one per cell)."""
    if getattr(row, "first", row.position == 0):
        return _("New card in %(name)s") % {"name": phase_name}
    return _("New card in %(name)s, row %(row)s") % {"name": phase_name, "row": row.name}


@register.filter
def persona_ids(personas):
    """A card's personas as the filter reads them (`data-personas`): ids, space-separated."""
    return " ".join(str(persona.pk) for persona in personas)

from django import template
from django.utils.translation import gettext as _

from journeyboard.boards import card_cache, comments, numbers, ratings

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


class CachedCardNode(template.Node):
    """See boards/card_cache.py. The page's part of the key is found once per render."""

    def __init__(self, card, nodelist):
        self.card, self.nodelist = card, nodelist

    def render(self, context):
        if self not in context.render_context:
            context.render_context[self] = card_cache.page_key(context)
        page = context.render_context[self]
        key = page and card_cache.card_key(page, self.card.resolve(context))
        if key is None:
            return self.nodelist.render(context)
        html = card_cache.kept(key)
        if html is None:
            html = self.nodelist.render(context)
            card_cache.keep(key, html)
        return html


@register.tag
def cached_card(parser, token):
    """{% cached_card card %}...{% endcached_card %}: the card's HTML as kept (card_cache.py)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_card takes the card")
    nodelist = parser.parse(("endcached_card",))
    parser.delete_first_token()
    return CachedCardNode(parser.compile_filter(bits[1]), nodelist)

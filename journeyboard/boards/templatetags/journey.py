from django import template

from journeyboard.boards import comments, numbers, ratings

register = template.Library()

register.filter("kpi_number", numbers.kpi_number)
register.filter("author_name", comments.author_name)
register.filter("result_for", ratings.result_for)
register.filter("in_round", ratings.in_round)

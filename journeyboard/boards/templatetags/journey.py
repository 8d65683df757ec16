from django import template

from journeyboard.boards import comments, numbers

register = template.Library()

register.filter("kpi_number", numbers.kpi_number)
register.filter("author_name", comments.author_name)

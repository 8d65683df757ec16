from django import template

from journeyboard.boards import numbers

register = template.Library()

register.filter("kpi_number", numbers.kpi_number)

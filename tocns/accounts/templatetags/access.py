"""`{% if access|covers:unit %}`: draw a link to a unit's page only when the user's scope covers it."""

from django import template

register = template.Library()


@register.filter
def covers(access, unit) -> bool:
    return bool(access) and access.covers(unit)

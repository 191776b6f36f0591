from django import template

from cultivate.core import i18n
from cultivate.core.i18n import language_choices

register = template.Library()


@register.filter
def weekday_datetime(value) -> str:
    return i18n.weekday_datetime(value) if value else ""


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    return language_choices()

from django import template

from cultivate.core.i18n import language_choices

register = template.Library()


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    return language_choices()

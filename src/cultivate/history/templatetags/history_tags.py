"""`{% history_url obj %}`: the address of an object's history page, without a query."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    return reverse("history:history", args=[obj._meta.label_lower, obj.pk])

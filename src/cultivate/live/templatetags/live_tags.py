from django import template

register = template.Library()


@register.filter
def percent_of(part, whole) -> str:
    """12, 40 -> '30%'; nothing to divide by -> '0%'."""
    try:
        return f"{round(100 * int(part) / int(whole))}%" if int(whole) else "0%"
    except (TypeError, ValueError):
        return "0%"

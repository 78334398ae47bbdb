from django import template
from django.utils import translation

register = template.Library()


@register.filter
def vnd(amount: int) -> str:
    """150000 -> "150.000 ₫" in Vietnamese, "150,000 ₫" in English."""
    grouped = f"{int(amount):,}"
    if (translation.get_language() or "vi").startswith("vi"):
        grouped = grouped.replace(",", ".")
    return f"{grouped} ₫"

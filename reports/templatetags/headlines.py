"""Headline figures in templates: the table (reports/headlines.py) and each figure written in its
unit, as the dashboard and the province overview show it."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from reports.headlines import BY_KEY, HEADLINES, HeadlineFigure

register = template.Library()


@register.simple_tag
def headline_figures() -> tuple[HeadlineFigure, ...]:
    return HEADLINES


@register.filter
def headline_figure(key: str) -> HeadlineFigure:
    return BY_KEY[key]


@register.filter
def figure_value(value, figure: HeadlineFigure) -> str:
    """1.234 citizen-turns, 14,5 hours, 87,5% — or a dash when there is nothing to divide by."""
    if value is None:
        return "—"
    if figure.unit == "count":
        return intcomma(value)
    return floatformat(value, 1) + ("%" if figure.unit == "percent" else "")


@register.filter
def figure_change(delta, figure: HeadlineFigure) -> str:
    """The change since the previous period, signed; percentages change by points, unsuffixed."""
    sign = "+" if delta > 0 else ""
    return sign + (intcomma(delta) if figure.unit == "count" else floatformat(delta, 1))


@register.filter
def headline_value(headline, figure: HeadlineFigure) -> str:
    """The figure of one row of the province overview (a reports.selectors.Headline)."""
    return figure_value(headline.get(figure.key), figure)

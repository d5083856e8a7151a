"""A bar chart drawn as inline SVG on the server: no chart library for phones to download."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    maximum: int


def bar_chart(
    values: list[tuple[str, int]], *, width: int = 600, height: int = 140, gap: int = 6
) -> BarChart:
    maximum = max((value for _label, value in values), default=0) or 1
    slot = width / max(1, len(values))
    bars = []
    for index, (label, value) in enumerate(values):
        bar_height = round((height - 20) * value / maximum, 1)
        bars.append(
            Bar(
                x=round(index * slot + gap / 2, 1),
                y=round(height - 20 - bar_height, 1),
                width=round(slot - gap, 1),
                height=bar_height,
                value=value,
                label=label,
            )
        )
    return BarChart(bars=bars, width=width, height=height, maximum=maximum)

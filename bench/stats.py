"""Medians and 95th percentiles of timed samples."""

import statistics
import time


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "n": len(samples),
    }


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started

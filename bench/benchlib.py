"""What every benchmark prints the same way: the machine, and percentiles."""

import os
import platform
import statistics


def machine(extra=""):
    """The CPU model, cores and Python version, for the record beside the figures."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    described = f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    return f"{described}, {extra}" if extra else described


def percentiles(values):
    """p50, p95 and p99 of a list of timings."""
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(values, n=100)
    return {"p50": statistics.median(values), "p95": cuts[94], "p99": cuts[98]}

"""The backend's Prometheus metrics: one registry per app, the request instruments, and gauges read at scrape time.

Per request only a dictionary look-up and two increments happen (``Metrics.observe``); what the
database knows (tickets by status, SLA breaches) and what the KB counted is read when ``/metrics`` is
scraped, by the collectors the app factory adds (``Metrics.add``). This module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

# Seconds; the busiest endpoints answer in a few milliseconds (make bench), pages in tens.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# What a scrape-time collector yields: (name, help, kind "gauge" or "counter", label names, [(label values, value)]).
Family = tuple[str, str, str, tuple[str, ...], list[tuple[tuple[str, ...], float]]]


class _Scraped:
    """A prometheus-client collector over a function called at each scrape."""

    def __init__(self, produce: Callable[[], Iterable[Family]]) -> None:
        self.produce = produce

    def collect(self) -> Iterator[Metric]:
        for name, help_text, kind, labels, samples in self.produce():
            family_type = GaugeMetricFamily if kind == "gauge" else CounterMetricFamily
            family = family_type(name, help_text, labels=list(labels))
            for values, value in samples:
                family.add_metric(list(values), value)
            yield family


class Metrics:
    """The app's registry: requests by route template, method and status, and their latency by route."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter("portal_http_requests", "HTTP requests answered, by route template, method and status.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("portal_http_request_duration_seconds", "Time from request to the end of the answer, by route template.",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self._children: dict[tuple[str, str, int], tuple[Callable[[], None], Callable[[float], None]]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request (an unknown method counts as ``OTHER``: clients choose it)."""
        key = (route, method if method in METHODS else "OTHER", status)
        child = self._children.get(key)
        if child is None:
            child = (self.requests.labels(route, key[1], str(status)).inc, self.latency.labels(route).observe)
            self._children[key] = child
        child[0]()
        child[1](seconds)

    def add(self, produce: Callable[[], Iterable[Family]]) -> None:
        """Add families computed at each scrape by ``produce`` (database counts, in-process counters)."""
        self.registry.register(_Scraped(produce))

    def exposition(self) -> bytes:
        """Everything in Prometheus' text format."""
        return generate_latest(self.registry)

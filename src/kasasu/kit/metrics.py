"""Prometheus metrics of the server and the jobs, and their text for ``GET /metrics``.

What is counted: HTTP requests by route template, method and status class
(:func:`observe_request`), runs of the scheduled jobs by result (:func:`observe_job`) and the
usage events stored (:func:`count_events_ingested`). The instruments live in
prometheus-client's default registry and are made at first use, not at import.

Several processes: when ``PROMETHEUS_MULTIPROC_DIR`` names a directory before a process
starts, prometheus-client writes that process's values to files there, and a scrape of any
process sums the files of all (its multiprocess mode). So every ``kasasu serve`` worker and a
``kasasu worker`` on the same machine given the same directory answer for all of them.
Without it, a scrape shows the values of the process that answers it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram
    from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The classic text format (0.0.4), which every Prometheus version and agent reads.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "unmatched"  # the route of a request that no route took (a 404, a refusal)
# Up to the 30 s request budget; 0.15 s is the pages' p95 target (docs/benchmarks.md).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A reminder round takes seconds, the nightly refresh of a large company up to hours.
JOB_BUCKETS = (0.1, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# The results of a job run.
JOB_OK = "ok"
JOB_FAILED = "failed"  # an error: logged, the next run comes as planned
JOB_SKIPPED = "skipped"  # another process held the job's lock, or the database was busy


@dataclass(frozen=True)
class _Instruments:
    requests: Counter
    request_seconds: Histogram
    job_runs: Counter
    job_seconds: Histogram
    events: Counter


_made: list[_Instruments] = []
_making = threading.Lock()
_failed: list[bool] = []
log = logging.getLogger("kasasu.metrics")


def _instruments() -> _Instruments:
    if _made:
        return _made[0]
    with _making:  # registering a name twice is an error: one thread makes them
        if not _made:
            from prometheus_client import Counter, Histogram, disable_created_metrics

            disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series
            route = ("route", "method", "status")
            _made.append(
                _Instruments(
                    requests=Counter(
                        "kasasu_http_requests",
                        "HTTP requests answered, by route template, method and status class",
                        route,
                    ),
                    request_seconds=Histogram(
                        "kasasu_http_request_duration_seconds",
                        "Seconds from a request's arrival to the end of its answer",
                        route,
                        buckets=REQUEST_BUCKETS,
                    ),
                    job_runs=Counter(
                        "kasasu_job_runs",
                        "Runs of the scheduled jobs, by job and result (ok, failed, skipped)",
                        ("job", "result"),
                    ),
                    job_seconds=Histogram(
                        "kasasu_job_duration_seconds",
                        "Seconds a scheduled job's run took",
                        ("job",),
                        buckets=JOB_BUCKETS,
                    ),
                    events=Counter(
                        "kasasu_events_ingested",
                        "Usage events stored (API, SDK, Segment intake, files); repeats of an "
                        "event already stored are not counted",
                    ),
                )
            )
    return _made[0]


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered. ``route`` is the matched route's template (never the
    URL, whose ids would make a series per row) or :data:`UNMATCHED`."""
    labels = (route, method if method in _METHODS else "other", f"{status // 100}xx")
    with _never_failing():
        made = _instruments()
        made.requests.labels(*labels).inc()
        made.request_seconds.labels(*labels).observe(seconds)


def observe_job(name: str, seconds: float, result: str) -> None:
    """One run of the job ``name`` (a fixed name, e.g. ``daily-refresh``) that took
    ``seconds``; ``result`` is :data:`JOB_OK`, :data:`JOB_FAILED` or :data:`JOB_SKIPPED`."""
    with _never_failing():
        made = _instruments()
        made.job_runs.labels(name, result).inc()
        made.job_seconds.labels(name).observe(seconds)


def count_events_ingested(stored: int) -> None:
    if stored > 0:
        with _never_failing():
            _instruments().events.inc(stored)


@contextmanager
def _never_failing() -> Iterator[None]:
    """A value that cannot be kept (multiprocess mode's directory removed, the disk full)
    is lost, never the request or the run it measures; said once per process."""
    try:
        yield
    except Exception:
        if not _failed:
            _failed.append(True)
            log.exception("metrics: a value could not be recorded; later failures are silent")


def prepare_multiprocess_dir() -> Path | None:
    """The directory of multiprocess mode, made if missing (a process's first value is
    written there), or None when the mode is off."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def exposition(gauges: Mapping[str, tuple[str, float]] | None = None) -> bytes:
    """The metrics in Prometheus's text format: every process's in multiprocess mode, else
    this one's (with the process and Python runtime metrics), then ``gauges`` (name →
    (help, value)) measured for this scrape."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    _instruments()  # listed (without samples) before the first request or run
    folder = prepare_multiprocess_dir()
    if folder is None:
        text = generate_latest(REGISTRY)
    else:
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=str(folder))  # type: ignore[no-untyped-call]
        text = generate_latest(merged)
    if gauges:
        measured = CollectorRegistry()
        measured.register(_Measured(gauges))
        text += generate_latest(measured)
    return text


class _Measured:
    """Gauges whose values were measured for one scrape (a collector of one use)."""

    def __init__(self, gauges: Mapping[str, tuple[str, float]]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        for name, (about, value) in self.gauges.items():
            yield GaugeMetricFamily(name, about, value=value)

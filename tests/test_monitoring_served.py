"""Issue 21 on a real ``kasasu serve --workers 2``: JSON log lines naming the request, the
probes, and /metrics in prometheus-client's multiprocess mode: whichever process answers a
scrape counts the requests of both, and the job runs of a third process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from benchmarks.serving import served
from prometheus_client.parser import text_string_to_metric_families

from tests.support.cli import data_env, kasasu

pytestmark = pytest.mark.slow  # a real kasasu serve process

# What `kasasu worker` does after a run (kasasu.kit.metrics), in a process of its own.
WORKER_RUN = """
from kasasu.kit.metrics import observe_job
observe_job("served-test-job", 42.0, "skipped")
"""


def scrape(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = httpx.get(f"{base}/metrics")
    assert answer.status_code == 200, answer.text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_served_json_logs_probes_and_metrics_of_several_processes(tmp_path: Path) -> None:
    data, shared = tmp_path / "data", tmp_path / "prometheus"
    assert kasasu(data, "init").returncode == 0
    env = data_env(
        data,
        KASASU_DEV_MODE="true",
        KASASU_REFRESH__SCHEDULED="false",
        KASASU_LOG_FORMAT="json",
        PROMETHEUS_MULTIPROC_DIR=str(shared),  # made by the server
        KASASU_SERVER__WORKERS="2",  # two processes answer; each scrape sums both
    )
    log = tmp_path / "serve.log"
    with served(env, log=log) as (base, _server):
        assert httpx.get(f"{base}/livez").text == "ok"
        assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
        refused = httpx.post(f"{base}/webhooks/stripe", content=b"{}")
        assert refused.status_code == 503  # no Stripe secret: refused, and logged
        for row in range(20):  # a connection each: the kernel spreads them over the two
            assert httpx.get(f"{base}/api/v1/accounts/{row}").status_code == 401
        worker = subprocess.run(
            [sys.executable, "-c", WORKER_RUN], env=env, capture_output=True, text=True, check=False
        )
        assert worker.returncode == 0, worker.stderr
        found = scrape(base)
        assert sorted(p.name for p in shared.iterdir())  # the processes' value files
    template = frozenset(
        {"route": "/api/v1/accounts/{row_id}", "method": "GET", "status": "4xx"}.items()
    )
    assert found[("kasasu_http_requests_total", template)] == 20
    job = frozenset({"job": "served-test-job", "result": "skipped"}.items())
    assert found[("kasasu_job_runs_total", job)] == 1  # counted in the other process
    took = frozenset({"job": "served-test-job"}.items())
    assert found[("kasasu_job_duration_seconds_sum", took)] == 42
    # Every log line is one JSON object (the banner is the console's, on standard output).
    written = [
        json.loads(line)
        for line in log.read_text(encoding="utf-8").splitlines()
        if line.startswith("{")
    ]
    webhook = [w for w in written if w["logger"] == "kasasu.webhooks"]
    assert [w["request_id"] for w in webhook] == [refused.headers["X-Request-ID"]]
    assert webhook[0]["level"] == "WARNING"

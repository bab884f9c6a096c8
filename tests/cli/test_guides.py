"""``kasasu guides load|list|publish|pause|report``: guides written in YAML, stored as
drafts, published, paused, and reported on."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import data_env, invoke_kasasu, kasasu

GUIDES = """
- key: tour
  name: Tour
  kind: walkthrough
  environment: production
  definition:
    steps:
      - {selector: "#a", title: {ja: 一つ目, en: First}}
      - {selector: "#b", title: Second}
- key: news
  name: News
  kind: banner
  environment: production
  definition:
    steps: [{title: Faster reports}]
"""


def test_load_publish_pause_and_report(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    env = data_env(data, KASASU_LOCALE="en", COLUMNS="200")
    made = invoke_kasasu(env, "sdk", "create", "production", "--origin", "https://app.example.jp")
    assert made.returncode == 0, made.stderr
    (tmp_path / "guides.yaml").write_text(GUIDES, encoding="utf-8")
    loaded = invoke_kasasu(env, "guides", "load", str(tmp_path / "guides.yaml"))
    assert loaded.returncode == 0, loaded.stderr
    assert "2 guides stored" in loaded.stdout
    listed = invoke_kasasu(env, "guides", "list").stdout
    assert listed.count("Draft") == 2
    published = invoke_kasasu(env, "guides", "publish", "tour")
    assert "Live, version 1" in published.stdout
    assert "Paused" in invoke_kasasu(env, "guides", "pause", "tour").stdout
    assert "Live, version 1" in invoke_kasasu(env, "guides", "pause", "tour", "--resume").stdout
    report = invoke_kasasu(env, "guides", "report", "tour").stdout
    assert "Tour: 0 users shown in 0 accounts; 0 completed, 0 dismissed" in report
    assert "Second" in report
    unknown = invoke_kasasu(env, "guides", "publish", "nope")
    assert unknown.returncode != 0
    assert "No guide with the key nope" in unknown.stderr
    (tmp_path / "bad.yaml").write_text("key: x\nname: X\nkind: poster\n", encoding="utf-8")
    bad = invoke_kasasu(env, "guides", "load", str(tmp_path / "bad.yaml"))
    assert bad.returncode != 0
    assert "kind" in bad.stderr

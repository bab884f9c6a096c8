"""Comment analysis speed, as run by ``make bench``.

100,000 Japanese comments made deterministically from the demo's comment pools (NPS, CSAT and
cancellation comments, ticket subjects and feature requests of ``kasasu.demo.texts``), each
one to three of those sentences plus, every other comment, a Faker ja_JP sentence, so few
comments repeat. Times :func:`tokenize` followed by :func:`themes_of` on each (the work of
key terms, search and churn themes per comment), after loading the Sudachi dictionary once
(timed apart), and as a reference in the same run plain ``str.split`` over the same texts.
Target (issue): ≥ 5,000 comments/s (wall clock; the CPU time is printed too, since on a
busy machine the wall clock measures the other processes as well).
"""

from __future__ import annotations

import time

import numpy as np
from faker import Faker

from kasasu.demo import texts
from kasasu.voice import text as text_module
from kasasu.voice.text import compare_terms, themes_of, tokenize

COMMENTS = 100_000
TARGET = 5_000.0
SEED = 8


def _pool() -> list[str]:
    pools = [
        *texts.NPS_COMMENTS.values(),
        *texts.CSAT_COMMENTS.values(),
        *texts.CANCEL_COMMENTS.values(),
        tuple(f"{s}について問い合わせました。" for s in texts.TICKET_SUBJECTS),
        tuple(f"{t}をお願いしたいです。" for t in texts.FEEDBACK_TITLES),
    ]
    return [sentence for pool in pools for sentence in pool]


def comments(n: int = COMMENTS, seed: int = SEED) -> list[str]:
    rng = np.random.default_rng(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    pool = _pool()
    out = []
    for i in range(n):
        picks = rng.integers(len(pool), size=int(rng.integers(1, 4)))
        text = "".join(pool[p] for p in picks)
        out.append(text + fake.sentence() if i % 2 else text)
    return out


def main() -> None:
    t0 = time.perf_counter()
    data = comments()
    made = time.perf_counter() - t0
    chars = sum(map(len, data))
    print(f"{len(data):,} comments, {chars / len(data):.1f} characters each (made in {made:.1f} s)")

    t0 = time.perf_counter()
    tokenize("辞書を読み込みます。")
    print(f"loading the Sudachi dictionary and the first comment: {time.perf_counter() - t0:.3f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    tokens = [tokenize(text) for text in data]
    themed = sum(1 for t in tokens if themes_of(t))
    analysed, analysed_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    split = [text.split() for text in data]
    plain, plain_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert len(split) == len(data)

    # Sudachi alone: analyse and read each morpheme's part of speech, as tokenize does.
    analyser = text_module._analyser()
    c0 = time.process_time()
    for comment in data:
        for m in analyser.tokenize(comment):
            m.part_of_speech_id()
    sudachi_cpu = time.process_time() - c0

    t0 = time.perf_counter()
    half = len(tokens) // 2
    terms = compare_terms(tokens[:half], tokens[half:])
    compared = time.perf_counter() - t0

    rate, n = len(data) / analysed, len(data)
    print(
        f"tokenize + themes_of: {analysed:.2f} s = {rate:,.0f} comments/s "
        f"(CPU time {analysed_cpu:.2f} s = {n / analysed_cpu:,.0f} comments per CPU-second)"
    )
    print(f"  {sum(map(len, tokens)) / len(tokens):.1f} terms per comment; {themed:,} with a theme")
    print(
        f"str.split (reference): {plain:.3f} s = {n / plain:,.0f} comments/s "
        f"(CPU time {plain_cpu:.3f} s)"
    )
    print(
        f"  analysis costs {analysed / plain:,.0f}× str.split "
        f"({analysed_cpu / plain_cpu:,.0f}× in CPU time)"
    )
    print(
        f"Sudachi alone: CPU time {sudachi_cpu:.2f} s = "
        f"{sudachi_cpu / analysed_cpu:.0%} of tokenize + themes_of"
    )
    print(f"compare_terms, 50,000 against 50,000 ({len(terms):,} terms): {compared:.3f} s")
    verdict = "met" if rate >= TARGET else "NOT met"
    print(f"target ≥ {TARGET:,.0f} comments/s: {verdict}")


if __name__ == "__main__":
    main()

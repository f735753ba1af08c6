"""The stored sample of the Rubi test suite: drawn, seeded, from the JSON Lines conversion.

    python bench/bench_integrate.py --make-sample DIR   (DIR holds one *.jsonl.gz per chapter)

Chapters 1-6; problems with complex numbers or special functions are left out. The parameter-free
problems (FREE_TOTAL) are shared equally over the chapters, a chapter with fewer giving all it
has and the rest going to the others; within a chapter, round-robin over sections in a seeded
order, so the head of each chapter's list is itself stratified. PARAMS_PER_CHAPTER problems with
parameters are drawn the same way.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).parent / "data" / "rubi_sample.jsonl"
CHAPTERS = (1, 2, 3, 4, 5, 6)
FREE_TOTAL = 1260  # parameter-free problems in the stored sample, shared over the chapters
PARAMS_PER_CHAPTER = 20


def make_sample(source: Path, seed: int = 2024) -> None:
    """Stratified by chapter, then round-robin over sections (seeded): parameter-free problems
    share FREE_TOTAL equally over the chapters, a chapter with fewer giving all it has and the
    rest going to the others; PARAMS_PER_CHAPTER with parameters per chapter."""
    rng = random.Random(seed)
    pools = {c: _pools(path) for c, path in _chapter_files(source)}
    free = _shares({c: sum(len(v) for (k, _), v in p.items() if k == "free")
                    for c, p in pools.items()}, FREE_TOTAL)  # fmt: skip
    out: list[dict[str, Any]] = []
    for chapter, chapter_pools in pools.items():
        for kind, quota in (("free", free[chapter]), ("params", PARAMS_PER_CHAPTER)):
            picked = _round_robin(rng, {s: v for (k, s), v in chapter_pools.items() if k == kind},
                                  quota)  # fmt: skip
            out.extend({**{k: r[k] for k in ("id", "integrand", "var", "antiderivative", "section",
                                             "params", "steps")},
                        "chapter": chapter, "set": kind} for r in picked)  # fmt: skip
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE.write_text("".join(json.dumps(r) + "\n" for r in out))
    print(f"wrote {len(out)} problems to {SAMPLE}: parameter-free per chapter {free}")


def _chapter_files(source: Path) -> list[tuple[int, Path]]:
    found = ((int(p.name.split("_")[0]), p) for p in sorted(source.glob("*.jsonl.gz")))
    return [(c, p) for c, p in found if c in CHAPTERS]


def _pools(path: Path) -> dict[tuple[str, str], list[dict]]:
    """(free|params, section) -> records; complex numbers and special functions are left out."""
    pools: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with gzip.open(path, "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["nonelementary"] or re.search(r"\bI\b", rec["integrand"] + " "
                                                 + rec["antiderivative"]):  # fmt: skip
                continue
            pools[("params" if rec["params"] else "free", rec["section"])].append(rec)
    return pools


def _shares(available: dict[int, int], total: int) -> dict[int, int]:
    """Equal shares of `total`, capped by what each chapter has, the surplus spread again.

    >>> _shares({1: 100, 2: 5, 3: 100}, 60)
    {1: 28, 2: 5, 3: 27}
    """
    share = dict.fromkeys(available, 0)
    while (left := total - sum(share.values())) > 0:
        open_ = [c for c in available if share[c] < available[c]]
        if not open_:
            break
        for i, c in enumerate(open_):
            share[c] = min(available[c], share[c] + left // len(open_) + (i < left % len(open_)))
    return share


def _round_robin(rng: random.Random, pools: dict[str, list[dict]], quota: int) -> list[dict]:
    """Sections in a seeded order, each shuffled; one from each in turn until `quota`."""
    sections = sorted(pools)
    rng.shuffle(sections)
    for s in sections:
        rng.shuffle(pools[s])
    picked: list[dict] = []
    while len(picked) < quota and any(pools[s] for s in sections):
        for s in sections:
            if pools[s] and len(picked) < quota:
                picked.append(pools[s].pop())
    return picked

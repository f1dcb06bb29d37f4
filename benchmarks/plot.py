"""Plot benchmarks/results.json: time against triples, log–log, per build stage and per canned query.

/work/venv/bin/python benchmarks/plot.py [RESULTS.json] [OUT.png]   # default: docs/performance-scaling.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
STAGES = (
    ("parse", "parse (rdflib)"),
    ("validate", "validate (default engine)"),
    ("checks", "integrity checks"),
    ("reason", "reason (reasonable)"),
    ("export", "export"),
    ("total", "whole build"),
)


def _median(figure: dict | None) -> float | None:
    return figure.get("median") if figure and figure.get("runs") else None


def _series(sizes: list[dict], pick) -> tuple[list[int], list[float]]:
    points = [(s["triples"], _median(pick(s))) for s in sizes]
    points = [(n, t) for n, t in points if t]
    return [n for n, _ in points], [t for _, t in points]


def plot(results: dict, out: Path) -> Path:
    sizes = sorted(results.get("synthetic") or [], key=lambda s: s["triples"])
    fits = results.get("exponents") or {}
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5), dpi=110)
    for key, label in STAGES:
        xs, ys = _series(sizes, lambda s, key=key: (s.get("stages") or {}).get(key))
        if not xs:
            continue
        fit_key = "build (whole process)" if key == "total" else key
        exponent = fits.get(fit_key)
        suffix = f", b = {exponent:.2f}" if exponent is not None else ""
        style = dict(linewidth=2.5, color="black") if key == "total" else {}
        left.plot(xs, ys, marker="o", label=f"{label}{suffix}", **style)
    xs, ys = _series(sizes, lambda s: s.get("load"))
    if xs:
        exponent = fits.get("load N-Quads (pyoxigraph)")
        left.plot(
            xs,
            ys,
            marker="s",
            linestyle="--",
            label=f"load N-Quads (pyoxigraph), b = {exponent:.2f}"
            if exponent is not None
            else "load N-Quads (pyoxigraph)",
        )
    left.axhline(120, color="red", linestyle=":", linewidth=1)
    left.text(1e4, 135, "target at 10⁶: build ≤ 120 s", color="red", fontsize=8)
    left.set(
        xscale="log",
        yscale="log",
        xlabel="data triples (asserted + links)",
        ylabel="seconds (median)",
        title="Build stages and loading vs corpus size",
    )
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8, loc="lower right")

    names = sorted({q for s in sizes for q in (s.get("queries") or {}) if not q.startswith("checks/")})

    def worst(name: str) -> float:  # the slowest median of a query at any size
        return max((_median((s.get("queries") or {}).get(name)) or 0.0) for s in sizes)

    slowest = sorted(names, key=lambda q: -worst(q))[:6]
    for name in names:
        xs, ys = _series(sizes, lambda s, name=name: (s.get("queries") or {}).get(name))
        if not xs:
            continue
        if name in slowest:
            exponent = fits.get(f"query {name}")
            right.plot(xs, ys, marker="o", label=f"{name}" + (f", b = {exponent:.2f}" if exponent else ""))
        else:
            right.plot(xs, ys, color="grey", alpha=0.35, linewidth=1)
    right.axhline(1.0, color="red", linestyle=":", linewidth=1)
    right.text(
        1e4,
        1.2,
        "target: every canned query < 1 s",
        color="red",
        fontsize=8,
    )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="data triples (asserted + links)",
        ylabel="seconds (median, in-process pyoxigraph)",
        title=f"Canned queries ({len(names)}; the 6 slowest named, the rest grey)",
    )
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8, loc="lower right")
    machine = results.get("machine", {})
    figure.suptitle(
        f"alaska-kg on synthetic corpora — {machine.get('nproc')} CPU {machine.get('cpu')}, "
        f"Python {machine.get('python')}, {machine.get('date', '')[:10]}",
        fontsize=10,
    )
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    return out


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else HERE / "results.json"
    out = Path(argv[1]) if len(argv) > 1 else HERE.parent / "docs" / "performance-scaling.png"
    plot(json.loads(source.read_text(encoding="utf-8")), out)
    sys.stdout.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

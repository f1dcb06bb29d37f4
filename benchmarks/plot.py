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
    ("parse", "parse (Oxigraph store)"),
    ("validate", "validate (SHACL as SPARQL on the store)"),
    ("checks", "integrity checks (SPARQL)"),
    ("reason", "reason (OWL 2 RL rules, SPARQL UPDATE)"),
    ("export", "export (Oxigraph writers, on-disk store)"),
    ("total", "stages, one process"),
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
    xs, ys = _series(sizes, lambda s: s.get("alaska_kg_build"))
    if xs:
        exponent = fits.get("alaska-kg build")
        label = "`alaska-kg build`, whole process" + (f", b = {exponent:.2f}" if exponent is not None else "")
        left.plot(xs, ys, marker="D", linewidth=2.5, color="darkred", label=label)
    left.axhline(60, color="red", linestyle=":", linewidth=1)
    left.text(1e4, 68, "target at 10⁶: build ≤ 60 s", color="red", fontsize=8)
    left.set(
        xscale="log",
        yscale="log",
        xlabel="data triples (asserted + links)",
        ylabel="seconds (median)",
        title="Build stages and loading vs corpus size",
    )
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8, loc="lower right")

    # Right: every canned query as a user runs it, a new process each (`alaska-kg query NAME`, cache warm).
    names = sorted(
        {q for s in sizes for q in (s.get("cold_queries") or {}) if q.startswith("alaska-kg query ")}
    )

    def cold(s: dict, name: str) -> dict | None:
        return (s.get("cold_queries") or {}).get(name)

    def worst(name: str) -> float:  # the slowest median of a query at any size
        return max((_median(cold(s, name)) or 0.0) for s in sizes)

    slowest = sorted(names, key=lambda q: -worst(q))[:6]
    for name in names:
        xs, ys = _series(sizes, lambda s, name=name: cold(s, name))
        if not xs:
            continue
        if name in slowest:
            exponent = fits.get(f"cold {name}")
            label = name.removeprefix("alaska-kg query ") + (f", b = {exponent:.2f}" if exponent else "")
            right.plot(xs, ys, marker="o", label=label)
        else:
            right.plot(xs, ys, color="grey", alpha=0.35, linewidth=1)
    xs, ys = _series(sizes, lambda s: cold(s, "python -c 'import pyoxigraph'"))
    if xs:
        right.plot(xs, ys, color="black", linestyle="--", label="python -c 'import pyoxigraph' (floor)")
    right.axhline(1.0, color="red", linestyle=":", linewidth=1)
    right.text(1e4, 1.2, "target: every canned query < 1 s", color="red", fontsize=8)
    right.set(
        xscale="log",
        yscale="log",
        xlabel="data triples (asserted + links)",
        ylabel="seconds (median, whole process)",
        title=f"`alaska-kg query NAME`, cold ({len(names)}; the 6 slowest named, the rest grey)",
    )
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8, loc="upper left")
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

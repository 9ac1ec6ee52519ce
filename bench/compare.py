"""``make bench``: the demo against the peer demos of ``bench/peers/``, on SQLite and PostgreSQL.

Runs the vendored harness (``bench/peers/perf.py``) four times: on SQLite and on PostgreSQL,
each with every demo's connection settings as shipped, then with both sides on the same ones
(persistent connections on SQLite, both files in WAL mode; ``CONN_MAX_AGE=60`` checked before
reuse on PostgreSQL). Each peer runs in its own venv (``bench/.venvs/<peer>``, made by
``make bench``). Prints one table per database, the issue's targets met or missed, and writes
the runs as JSON and the ratios as an SVG chart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = ("drf-assembly", "drf-canon")
RESULTS = HERE / "results"

#: The request types of the harness, as the tables name them.
REQUESTS = {
    "get_200": "GET 200",
    "get_304": "GET 304",
    "list_200": "GET list",
    "get_404": "GET 404",
    "post_400": "POST 400",
    "post_401": "POST 401 (theirs 403)",
    "patch_412": "PATCH 412",
    "get_then_patch_200": "GET + conditional PATCH",
}
ERRORS = ("get_404", "post_400", "post_401", "patch_412")
#: The clocks the harness reads: elapsed time (the figure a client waits for) and the CPU time
#: of the project's process (what other work on a busy machine disturbs less). Each names the
#: summary's ratios and the runs' medians.
CLOCKS = {"wall": ("ratios", "us"), "cpu": ("cpu_ratios", "cpu_us")}


@dataclass(frozen=True)
class Setting:
    """One configuration both sides run in."""

    database: str  # "sqlite" or "postgresql"
    mode: str  # "shipped" or "same"
    conn_max_age: str  # PERF_CONN_MAX_AGE, "" for as shipped

    @property
    def name(self) -> str:
        """The configuration's file name stem."""
        return f"{self.database}-{self.mode}"

    @property
    def title(self) -> str:
        """The configuration's column heading."""
        return "as shipped" if self.mode == "shipped" else "same connection settings"


def settings_for(databases: list[str]) -> list[Setting]:
    """The four configurations, or those of the databases asked for."""
    every = [
        Setting("sqlite", "shipped", ""),
        Setting("sqlite", "same", "none"),
        Setting("postgresql", "shipped", ""),
        Setting("postgresql", "same", "60"),
    ]
    return [setting for setting in every if setting.database in databases]


def run(setting: Setting, args: argparse.Namespace) -> dict[str, Any]:
    """One harness run of every side in one configuration; its JSON summary."""
    output = args.output / f"peers-{setting.name}.json"
    command = [
        sys.executable,
        str(HERE / "peers" / "perf.py"),
        "--a",
        f"ours={ROOT}={args.python}",
        *(
            arg
            for peer in PEERS
            for arg in ("--b", f"{peer}={HERE / 'peers' / peer}={args.venvs / peer / 'bin/python'}")
        ),
        "--pairs",
        str(args.pairs),
        "--rounds",
        str(args.rounds),
        "--json",
        str(output),
    ]
    if setting.database == "postgresql":
        command += ["--database-url", args.database_url]
    if setting.conn_max_age:
        command += ["--conn-max-age", setting.conn_max_age]
    print(f"\n== {setting.database}, {setting.title}", flush=True)
    subprocess.run(command, check=True)
    summary: dict[str, Any] = json.loads(output.read_text())
    return summary


def statements(summary: dict[str, Any], op: str) -> str:
    """The SQL statements of one request, ours / each peer's."""
    counts = [str(summary["runs"][side][0][op]["queries"]) for side in ("ours", *PEERS)]
    return " / ".join(counts)


def own_median(summary: dict[str, Any], op: str, clock: str) -> float:
    """Our median µs of one request type over the pairs."""
    values = sorted(run[op][CLOCKS[clock][1]] for run in summary["runs"]["ours"])
    return float(values[len(values) // 2])


def table(database: str, results: dict[Setting, dict[str, Any]], clock: str) -> list[str]:
    """One Markdown table: ratios ours/peer per configuration, SQL as shipped."""
    settings = [s for s in results if s.database == database]
    header = ["request"]
    for setting in settings:
        header += [f"{setting.title}: ÷ {peer}" for peer in PEERS]
    header.append("SQL as shipped, ours / " + " / ".join(PEERS))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    shipped = results[settings[0]]
    for op, label in REQUESTS.items():
        cells = [label]
        for setting in settings:
            ratios = results[setting][CLOCKS[clock][0]]
            cells += [f"{ratios[peer][op]:.2f}" for peer in PEERS]
        cells.append(statements(shipped, op))
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["our 304 ÷ our 200"]
    for setting in settings:
        summary = results[setting]
        ratio = own_median(summary, "get_304", clock) / own_median(summary, "get_200", clock)
        cells += [f"{ratio:.2f}", ""]
    cells.append("")
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def targets(results: dict[Setting, dict[str, Any]], clock: str) -> list[str]:
    """Issue 26's targets, met or missed, in each configuration."""
    lines = []
    for setting, summary in results.items():
        ratios = summary[CLOCKS[clock][0]]
        worst = {op: max(ratios[peer][op] for peer in PEERS) for op in REQUESTS}
        own = own_median(summary, "get_304", clock) / own_median(summary, "get_200", clock)
        checks = [
            (f"errors ≤ 1.00 (worst {max(worst[op] for op in ERRORS):.2f})", ERRORS, 1.00),
            (f"GET 200 ≤ 0.60 ({worst['get_200']:.2f})", ("get_200",), 0.60),
            (
                f"GET + conditional PATCH ≤ 0.80 ({worst['get_then_patch_200']:.2f})",
                ("get_then_patch_200",),
                0.80,
            ),
        ]
        verdicts = [
            f"{text}: {'met' if all(worst[op] <= limit for op in ops) else 'MISSED'}"
            for text, ops, limit in checks
        ]
        verdicts.append(f"304 ≤ 0.50 of our 200 ({own:.2f}): {'met' if own <= 0.5 else 'MISSED'}")
        lines.append(f"{setting.database}, {setting.title}: " + "; ".join(verdicts))
    return lines


def chart(results: dict[Setting, dict[str, Any]], clock: str) -> str:
    """An SVG bar chart of every ratio ours ÷ peer (the worse of the two peers), 1.0 marked."""
    settings = list(results)
    colours = ["#4c72b0", "#92b4e0", "#dd8452", "#f2bc8f"]
    bar, gap, label_width, plot_width, scale_max = 9, 10, 170, 420, 2.0
    group = bar * len(settings) + gap
    height = 40 + group * len(REQUESTS) + 20 * len(settings) + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + plot_width + 60}" '
        f'height="{height}" font-family="sans-serif" font-size="11">',
        f'<text x="10" y="16" font-size="12">{"CPU time" if clock == "cpu" else "Time"} ours ÷ '
        "peer, the higher of drf-assembly and drf-canon; below 1 we are cheaper (bars end at 2)"
        "</text>",
    ]

    def x(ratio: float) -> float:
        return label_width + min(ratio, scale_max) / scale_max * plot_width

    for index, (op, label) in enumerate(REQUESTS.items()):
        top = 30 + index * group
        out.append(
            f'<text x="{label_width - 6}" y="{top + group / 2}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for row, setting in enumerate(settings):
            ratio = max(results[setting][CLOCKS[clock][0]][peer][op] for peer in PEERS)
            y = top + row * bar
            out.append(
                f'<rect x="{label_width}" y="{y}" width="{x(ratio) - label_width:.1f}" '
                f'height="{bar - 1}" fill="{colours[row % len(colours)]}"/>'
            )
            out.append(f'<text x="{x(ratio) + 3:.1f}" y="{y + bar - 1}">{ratio:.2f}</text>')
    bottom = 30 + len(REQUESTS) * group
    for tick in (0.5, 1.0, 1.5, 2.0):
        style = 'stroke="#000"' if tick == 1.0 else 'stroke="#bbb" stroke-dasharray="3,3"'
        out.append(f'<line x1="{x(tick)}" y1="26" x2="{x(tick)}" y2="{bottom}" {style}/>')
        out.append(f'<text x="{x(tick)}" y="{bottom + 12}" text-anchor="middle">{tick}</text>')
    for row, setting in enumerate(settings):
        y = bottom + 28 + row * 18
        out.append(
            f'<rect x="{label_width}" y="{y - 9}" width="10" height="10" '
            f'fill="{colours[row % len(colours)]}"/>'
        )
        database = "SQLite" if setting.database == "sqlite" else "PostgreSQL"
        out.append(f'<text x="{label_width + 16}" y="{y}">{database}, {setting.title}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; print the tables and targets; write JSON and the chart."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=1 if quick else 5)
    parser.add_argument("--rounds", type=int, default=20 if quick else 200)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"),
        help="a PostgreSQL server; each run creates and drops <its database>_perf_<side>",
    )
    parser.add_argument("--python", default=sys.executable, help="our side's interpreter")
    parser.add_argument("--venvs", type=Path, default=HERE / ".venvs")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--chart", type=Path, default=RESULTS / "peers.svg")
    parser.add_argument(
        "--replot", action="store_true", help="tables and chart from the JSON of an earlier run"
    )
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    settings = settings_for(args.databases.split(","))
    if args.replot:
        results = {
            s: json.loads((args.output / f"peers-{s.name}.json").read_text()) for s in settings
        }
    else:
        results = {setting: run(setting, args) for setting in settings}
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"\n{args.pairs} pairs x {args.rounds} rounds; load average {' '.join(load)}")
    for clock, what in (("wall", "elapsed time"), ("cpu", "CPU time of the process")):
        for database in dict.fromkeys(setting.database for setting in results):
            name = "SQLite" if database == "sqlite" else "PostgreSQL"
            print(f"\n{name}, {what}, ours ÷ peer\n")
            print("\n".join(table(database, results, clock)))
        print(f"\nTargets by {what} (the worse ratio of the two peers):")
        print("\n".join(targets(results, clock)))
    args.chart.parent.mkdir(parents=True, exist_ok=True)
    args.chart.write_text(chart(results, "wall"))
    args.chart.with_name(f"{args.chart.stem}-cpu.svg").write_text(chart(results, "cpu"))
    print(f"\nwritten: {args.output}/peers-*.json, {args.chart} and its -cpu twin")
    return 0


if __name__ == "__main__":
    sys.exit(main())

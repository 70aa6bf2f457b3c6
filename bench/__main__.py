"""`python -m bench [SUITE ...] [--repetitions N]`: run the benchmarks, print the table, write bench/RESULTS.md.

Suites: transfer (staging and gathering), end-to-end, scale, service, planning (documents already in
storage). With no suite named, all run and bench/RESULTS.md is rewritten; a subset only prints, unless
--output is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import end_to_end, planning, scale, service, transfer
from bench.common import ROOT, Result, machine, markdown_table, stopwatch

SUITES: dict[str, Callable[[int], list[Result]]] = {
    "transfer": transfer.run,
    "end-to-end": end_to_end.run,
    "scale": scale.run,
    "service": service.run,
    "planning": planning.run,
}


def _report(results: list[Result], minutes: float, command: str) -> str:
    facts = "\n".join(f"| {name} | {value} |" for name, value in machine().items())
    return f"""# Benchmark results

Written by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {minutes:.0f} min. Each figure: **median**
(min–max) of the runs; a ratio is doctranslate over the baseline measured beside it in the same run. What the
figures mean, and what was changed because of them: docs/performance.md.

| machine | |
|---|---|
{facts}

{markdown_table(results)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("suites", nargs="*", metavar="SUITE", help=", ".join(SUITES))
    parser.add_argument("--repetitions", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--output", type=Path, help="where to write the results (default: bench/RESULTS.md)")
    arguments = parser.parse_args()
    unknown = sorted(set(arguments.suites) - set(SUITES))
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    chosen = arguments.suites or list(SUITES)
    output = arguments.output or (ROOT / "bench/RESULTS.md" if not arguments.suites else None)
    results: list[Result] = []
    with stopwatch() as elapsed:
        for name in chosen:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results += SUITES[name](arguments.repetitions)
            print(markdown_table(results), flush=True)
    if output is not None:
        command = "bench/run " + " ".join(sys.argv[1:])
        output.write_text(_report(results, elapsed() / 60, command.strip()))
        print(f"written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""bench/sdk_baseline.py run as a Prefect flow: its upload, its batch and each language's download as tasks, nothing
else (no report, no resume, no progress). What any command that runs a Prefect flow pays over the bare script:
Prefect's imports, the flow run and its task runs, against the same Prefect server doctranslate uses.

    python bench/sdk_flow_baseline.py SOURCE_FOLDER OUT_FOLDER fr,de
Reads what bench/sdk_baseline.py reads, and PREFECT_API_URL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prefect import flow, task

sys.path.insert(0, str(Path(__file__).parents[1]))  # run as a file, like the bare script
from bench import sdk_baseline as script


@flow(name="sdk-baseline")
def sdk_baseline(folder: Path, out: Path, languages: list[str]) -> list[str]:
    script.create_containers(languages)
    task(script.upload_folder)(folder)
    _, failed = task(script.translate)(languages)
    for language in languages:
        task(script.download_language)(language, out)
    return failed


if __name__ == "__main__":
    failed = sdk_baseline(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(","))
    sys.exit(1 if failed else 0)

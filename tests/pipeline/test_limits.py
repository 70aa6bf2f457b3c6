"""Fleet-wide throttling through Prefect global concurrency limits: with one batch allowed in flight, a run
whose work splits into two batches submits the second only once the first has ended; every status read
takes a token from the status-polls limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from doctranslate_prefect.tasks.limits import BATCHES_IN_FLIGHT, STATUS_POLLS
from tests.pipeline.conftest import Pipeline
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

ELEVEN_LANGUAGES = "fr,de,es,it,pt,nl,sv,da,fi,pl,cs"  # the service takes 10 per batch: two batches


@pytest.fixture
def limits(prefect_server: PrefectServer) -> Iterator[None]:
    api = prefect_server.api
    created = [
        api.post("/v2/concurrency_limits/", json={"name": BATCHES_IN_FLIGHT, "limit": 1}),
        api.post("/v2/concurrency_limits/", json={"name": STATUS_POLLS, "limit": 20, "slot_decay_per_second": 20}),
    ]
    assert all(answer.status_code == 201 for answer in created), [a.text for a in created]
    yield
    for name in (BATCHES_IN_FLIGHT, STATUS_POLLS):
        api.delete(f"/v2/concurrency_limits/{name}")


def acquisitions(server: PrefectServer, limit: str) -> int:
    body = {
        "filter": {
            "event": {"name": ["prefect.concurrency-limit.acquired"]},
            "resource": {"labels": {"prefect.resource.name": [limit]}},
        },
        "limit": 50,
    }
    return int(server.api.post("/events/filter", json=body).json()["total"])


@pytest.mark.parametrize("pipeline", [{"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.2"}], indirect=True)
def test_one_batch_in_flight_at_a_time_across_the_fleet(
    pipeline: Pipeline, prefect_server: PrefectServer, limits: None
) -> None:
    (pipeline.work / "src").mkdir()
    for name in ("a.txt", "b.txt"):
        (pipeline.work / "src" / name).write_text(f"Text of {name}.")

    finished = pipeline.run("src", "--to", ELEVEN_LANGUAGES, "--out", "out")

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    first, second = sorted(pipeline.batches(), key=lambda b: str(b["createdDateTimeUtc"]))
    first_ended = datetime.fromisoformat(str(first["lastActionDateTimeUtc"]))
    assert datetime.fromisoformat(str(second["createdDateTimeUtc"])) >= first_ended
    assert acquisitions(prefect_server, BATCHES_IN_FLIGHT) >= 2
    assert acquisitions(prefect_server, STATUS_POLLS) >= 2

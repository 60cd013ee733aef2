"""POST /history/batch/set-removal-time: when finished batches leave history (Camunda's
setRemovalTimeToHistoricBatches), absolute, calculated or cleared, and the history cleanup
going by it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from batches.history import expired_batches
from batches.models import Batch, BatchState
from engine.models import UserOperationLog
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

ENDED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def finished(demo_user) -> list[str]:
    """Two finished deletion batches and one still running."""
    rows = [
        Batch.objects.create(type="instance-deletion", state=BatchState.COMPLETED,
                             created_by="demo", ended=ENDED),
        Batch.objects.create(type="instance-deletion", state=BatchState.COMPLETED,
                             created_by="demo", ended=ENDED),
        Batch.objects.create(type="set-job-retries", created_by="demo"),
    ]
    return [str(row.pk) for row in rows]


def set_removal_time(api, body: dict):
    return api.post(f"{BASE}/history/batch/set-removal-time", body,
                    content_type="application/json")


def removal_times(ids: list[str]) -> list[str | None]:
    return [Batch.objects.get(pk=pk).removal_time for pk in ids]


def test_an_absolute_removal_time_is_set_by_a_batch_and_the_cleanup_goes_by_it(api, finished):
    response = set_removal_time(api, {
        "historicBatchIds": finished[:1],
        "historicBatchQuery": {"type": "set-job-retries"},
        "absoluteRemovalTime": "2026-06-01T00:00:00.000+0000",
    })
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("batch-set-removal-time", 2)
    run_to_end(dto["id"])
    when = datetime(2026, 6, 1, tzinfo=UTC)
    assert removal_times(finished) == [when, None, when]
    shown = api.get(f"{BASE}/history/batch/{finished[0]}").json()
    assert shown["removalTime"] == "2026-06-01T00:00:00.000+0000"
    logged = UserOperationLog.objects.filter(operation_type="SetRemovalTime", entity_type="Batch")
    assert dict(logged.values_list("property", "new_value")) == {
        "mode": "ABSOLUTE", "removalTime": when.isoformat(), "nrOfInstances": "2",
        "async": "true",
    }
    # the cleanup removes a finished batch once its removal time has come, whatever its
    # time to live; the running one stays until it ends
    assert set(expired_batches(when - timedelta(seconds=1)).values_list("pk", flat=True)) == set()
    assert {str(pk) for pk in expired_batches(when).values_list("pk", flat=True)} == {
        finished[0]
    }


def test_calculated_is_the_end_plus_the_time_to_live_and_cleared_falls_back_to_it(
    api, finished, settings
):
    settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS = 5
    calculated = set_removal_time(api, {"historicBatchIds": finished,
                                        "calculatedRemovalTime": True})
    run_to_end(calculated.json()["id"])
    assert removal_times(finished) == [ENDED + timedelta(days=5)] * 2 + [None]  # running

    cleared = set_removal_time(api, {"historicBatchIds": finished[:1],
                                     "clearedRemovalTime": True})
    run_to_end(cleared.json()["id"])
    assert removal_times(finished[:1]) == [None]
    # without one, end plus time to live decide (the calculated batches are also finished)
    expired = {str(pk) for pk in expired_batches(ENDED + timedelta(days=5))
               .values_list("pk", flat=True)}
    assert set(finished[:2]) <= expired


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"historicBatchIds": ["x"]}, "Exactly one of absoluteRemovalTime, clearedRemovalTime "
         "(true) and calculatedRemovalTime (true) must be given, not 0"),
        ({"calculatedRemovalTime": True}, "historicBatchIds is empty"),
        ({"historicBatchIds": "x", "clearedRemovalTime": True},
         "'historicBatchIds' must be a list of ids"),
        ({"historicBatchIds": ["x"], "absoluteRemovalTime": "soon"}, None),
    ],
)
def test_bad_requests_create_no_batch(api, finished, body, message):
    response = set_removal_time(api, body)
    assert response.status_code == 400, response.content
    if message is not None:
        assert response.json()["message"] == message
    assert not Batch.objects.filter(type="batch-set-removal-time").exists()


def test_an_unknown_batch_is_a_failure_of_the_batch_not_of_the_others(api, finished):
    response = set_removal_time(api, {"historicBatchIds": [finished[0], "gone"],
                                      "clearedRemovalTime": True})
    batch = run_to_end(response.json()["id"])
    assert (batch.done, batch.failed) == (1, 1)

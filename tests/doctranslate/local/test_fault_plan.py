"""Injected faults: deterministic for a seed, and bursty as a bad day is."""

from __future__ import annotations

from doctranslate.local.faults import FaultPlan, RequestFaults


def test_fault_plan_is_deterministic_and_bursty() -> None:
    faults = RequestFaults(FaultPlan(unavailable_every=4, unavailable_burst=2))
    assert [faults.next_request() for _ in range(10)] == [None, None, None, 503, 503, None, None, 503, 503, None]
    ratio = FaultPlan(fail_document_ratio=0.5, seed=3)
    decisions = [ratio.document_fails(f"d{i}.txt") for i in range(200)]
    assert decisions == [ratio.document_fails(f"d{i}.txt") for i in range(200)]
    assert 70 < sum(decisions) < 130

"""How the local service spells what it answers: .NET-style timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from doctranslate.local.presenter import dotnet_timestamp


def test_dotnet_timestamps_have_seven_digits_without_trailing_zeros() -> None:
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, 695753, tzinfo=UTC)) == "2024-10-11T02:18:42.695753Z"
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, 100000, tzinfo=UTC)) == "2024-10-11T02:18:42.1Z"
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, tzinfo=UTC)) == "2024-10-11T02:18:42Z"

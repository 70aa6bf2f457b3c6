"""The service's limits for one batch (api-facts §6), which planning splits by and pre-flight checks against.

`Limits` can only be lowered, never raised past the service's: tests and cautious users plan smaller
batches, nobody plans one the service would refuse.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

MAX_DOCUMENT_BYTES: Final = 40 * 1024 * 1024
MAX_BATCH_DOCUMENTS: Final = 1000
MAX_BATCH_BYTES: Final = 250 * 1024 * 1024
MAX_BATCH_LANGUAGES: Final = 10
MAX_SYNC_DOCUMENT_BYTES: Final = 10 * 1024 * 1024  # the synchronous route's limit, one document per call


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True)

    documents: int = Field(MAX_BATCH_DOCUMENTS, ge=1, le=MAX_BATCH_DOCUMENTS)
    bytes: int = Field(MAX_BATCH_BYTES, ge=1, le=MAX_BATCH_BYTES)
    languages: int = Field(MAX_BATCH_LANGUAGES, ge=1, le=MAX_BATCH_LANGUAGES)
    document_bytes: int = Field(MAX_DOCUMENT_BYTES, ge=1, le=MAX_DOCUMENT_BYTES)

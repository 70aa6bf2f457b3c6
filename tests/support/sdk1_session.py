"""Run by test_official_sdk with azure-ai-translation-document 1.0.0 on the path (it cannot share a
process with 2.x). Arguments: endpoint key source_url target_url. Prints one JSON line of results."""

from __future__ import annotations

import json
import sys

from azure.ai.translation.document import DocumentTranslationClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError


def main(endpoint: str, key: str, source_url: str, target_url: str) -> None:
    from azure.ai.translation.document._version import VERSION

    client = DocumentTranslationClient(endpoint, AzureKeyCredential(key))
    poller = client.begin_translation(source_url, target_url, "fr", polling_interval=0.2)
    documents = list(poller.result())
    details = poller.details
    one = client.get_document_status(poller.id, documents[0].id)
    listed = [t.id for t in client.list_translation_statuses(translation_ids=[poller.id])]
    try:
        client.cancel_translation(poller.id)
        cancel_status = 0
    except HttpResponseError as error:
        cancel_status = error.status_code
    print(
        json.dumps(
            {
                "version": VERSION,
                "status": details.status,
                "total": details.documents_total_count,
                "succeeded": details.documents_succeeded_count,
                "characters": details.total_characters_charged,
                "documents": sorted(d.status for d in documents),
                "one": one.id == documents[0].id,
                "listed": listed == [poller.id],
                "cancel_finished": cancel_status,
                "formats": len(client.get_supported_document_formats()),
                "glossary_formats": sorted(f.file_format for f in client.get_supported_glossary_formats()),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])

"""Where a run's translations and report go, decided once from `--out`.

The service always writes translations into the target container; `--out` says which part of it is the
run's, and whether they are also brought home:
- a local folder (`translations`): outputs in the configured target container under the job's name, downloaded
  to `<folder>/<language>/<path>`, the report written there too;
- `az://<container>/<prefix>`: outputs kept in that container at `<prefix>/<language>/<path>`, the report as
  `<prefix>/report.json|md`, nothing downloaded (what a diskless worker wants);
- empty: kept in storage like `az://`, in the configured target container under the job's name.
Whatever the spelling, the run's state lives under the same root (`storage.names`), so re-running with the
same `--out` resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from pydantic import BaseModel, ConfigDict

from doctranslate.errors import BadInputError
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.locations import StorageLocation, is_storage_spec
from doctranslate.storage.names import report_blob_name, under

MAX_LOCAL_NAME_BYTES: Final = 200
"""A file name's longest part we write locally: 255 bytes, less what `write_atomically`'s temporary name adds."""


class Destination(BaseModel):
    """A container, the output root in it, and the local folder the outputs are downloaded to, if any."""

    model_config = ConfigDict(frozen=True)

    container: str
    root: str
    download_dir: str | None = None

    @classmethod
    def of(cls, out_dir: str, *, job: str, target_container: str, account_url: str) -> Destination:
        """`out_dir` as the user spelt it (see the module); an `az://` one must name a container."""
        if not is_storage_spec(out_dir):
            return cls(container=target_container, root=job, download_dir=out_dir or None)
        location = StorageLocation.given(
            out_dir, account_url, what="--out", hint="give az://<container>/<prefix> or a local folder"
        )
        return cls(container=location.container, root=location.prefix.strip("/"))

    @classmethod
    def local_only(cls, out_dir: str) -> Destination:
        """A local folder and nothing in storage: where a `--sync` run, which uses no storage, writes."""
        return cls(container="", root="", download_dir=out_dir)

    @property
    def in_storage(self) -> bool:
        return bool(self.container)

    @property
    def local(self) -> Path | None:
        return Path(self.download_dir) if self.download_dir else None

    def location_of(self, pair: Pair) -> str:
        """Where a translation can be found, for the report: its local path, or its `az://` address."""
        local = self.local_path(pair)
        return str(local) if local else f"az://{self.container}/{pair.target}"

    def local_path(self, pair: Pair) -> Path | None:
        """`<folder>/<lang>/<relative path>`: the source's layout mirrored per language (None: not downloaded)."""
        return Path(self.download_dir) / pair.language / pair.document.relative_path if self.download_dir else None

    def report_location(self, extension: str) -> str:
        if self.download_dir:
            return str(Path(self.download_dir) / f"report.{extension}")
        return f"az://{self.container}/{report_blob_name(self.root, extension)}"

    def describe(self) -> str:
        """For people: where the translations are."""
        if self.download_dir:
            return f"{Path(self.download_dir) / '<language>'}/..."
        return f"az://{self.container}/{under(self.root, '<language>/...')}"

    def unwritable(self, documents: Sequence[SourceDocument]) -> dict[str, str]:
        """Documents whose translation could not be written under the local folder, with why: a name segment
        too long for the file system (with the temporary name's additions), or a name that is a file beside a
        folder of the same name (`a.txt` and `a.txt/b.txt`, both fine as blobs). Nothing when kept in storage."""
        if self.download_dir is None:
            return {}
        folders = {parent for d in documents for parent in PurePosixPath(d.relative_path).parents}
        reasons: dict[str, str] = {}
        for document in documents:
            path = PurePosixPath(document.relative_path)
            if any(len(part.encode()) > MAX_LOCAL_NAME_BYTES for part in path.parts):
                reasons[document.relative_path] = (
                    f"a part of the name is over {MAX_LOCAL_NAME_BYTES} bytes, too long for a local file; "
                    "translate it with --out az://<container>/<prefix>"
                )
            elif path in folders:
                reasons[document.relative_path] = (
                    "a folder of the same name holds other documents, so it cannot be a local file too; "
                    "translate it with --out az://<container>/<prefix>"
                )
        return reasons

    def check_apart_from(self, sources: Sequence[StorageLocation]) -> None:
        """Outputs inside a storage source would be translated again by the next run of the same source."""
        for source in sources:
            if source.container == self.container and under(self.root, "").startswith(source.prefix):
                raise BadInputError(
                    f"--out az://{self.container}/{self.root} lies inside the source {source}: the next run would "
                    "translate the translations",
                    hint="keep the translations in another container, or beside the source prefix, not under it",
                )

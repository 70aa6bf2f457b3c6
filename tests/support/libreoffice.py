"""LibreOffice, headless, as the tests run it: converting files with a profile of their own."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


class LibreOffice:
    def __init__(self, profile: Path) -> None:
        self.binary = shutil.which("soffice")
        assert self.binary, "LibreOffice is installed by `scripts/setup --test`"
        self.profile = profile

    def convert(self, files: Sequence[Path], to: str, out_dir: Path) -> None:
        profile = f"-env:UserInstallation={self.profile.as_uri()}"
        finished = subprocess.run(  # noqa: S603
            [self.binary, "--headless", profile, "--convert-to", to, "--outdir", str(out_dir), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        for file in files:
            assert (out_dir / f"{file.stem}.{to.split(':', maxsplit=1)[0]}").is_file(), (
                finished.stdout + finished.stderr
            )

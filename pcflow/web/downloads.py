"""Exports as files to download: the writers of `pcflow export`, into memory.

The writers write into a folder; a workbook is one file, CSV and Parquet are one file per
table and travel zipped together.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pcflow.export import Export, Format, write_export

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes


def export_download(export: Export, fmt: Format) -> Download:
    with tempfile.TemporaryDirectory(prefix="pcflow-export-") as folder:
        paths = write_export(export, Path(folder), fmt)
        if fmt == "xlsx":
            return Download(paths[0].name, MEDIA_TYPES["xlsx"], paths[0].read_bytes())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
        return Download(f"pcflow-export-{fmt}.zip", MEDIA_TYPES["zip"], buffer.getvalue())

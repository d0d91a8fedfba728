"""What the backends' maintenance (checks, backups) shares."""

from __future__ import annotations

from pathlib import Path

from storage.base import StorageError


def backup_destination(destination: Path | str) -> Path:
    """The file a backup is written to; StorageError if it names a directory or its directory
    does not exist (checked before any work, so the error names the user's mistake)."""
    destination = Path(destination)
    if destination.is_dir():
        msg = f"{destination} is a directory; give a file name for the backup"
        raise StorageError(msg)
    if not destination.parent.is_dir():
        msg = f"directory {destination.parent} does not exist"
        raise StorageError(msg)
    return destination

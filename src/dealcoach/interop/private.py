"""Files and folders only their owner can read: what dealcoach writes holds the pipeline.

Every file dealcoach writes is created 0600 and every folder it makes 0700 (the data folder,
`backups/`, drafts, cache, the missing folders of a new `--db`). A folder that already exists,
such as one the user chose for `--db` or `--output`, is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_folders(folder: Path) -> None:
    """Create `folder` and its missing parents, each 0700; the ones that exist are not touched.

    Raises the OSError of the first folder that cannot be made (a file in the way, no right).
    """
    missing: list[Path] = []
    current = Path(folder)
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise


def open_private(path: Path, *, exclusive: bool = False) -> int:
    """A file descriptor for writing `path`, created 0600 (an existing file is truncated and
    made 0600 too, unless `exclusive`, which refuses a file already there)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd

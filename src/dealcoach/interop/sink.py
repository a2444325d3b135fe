"""Where an export goes: stdout, or a file that appears whole or not at all.

A file is written through a temporary file beside it and renamed over it (`os.replace`), so a
failed write leaves no half file; a device or a pipe (/dev/null, a FIFO) is written into, since
renaming would replace it. A failed write is one line on stderr; a closed pipe keeps its own
handling (the CLI's boundary).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dealcoach.errors import BadInput
from dealcoach.interop.private import open_private


def to_stdout(output: Path | None) -> bool:
    """No FILE, or `-`: the data goes to stdout."""
    return output is None or str(output) == "-"


@contextmanager
def open_sink(output: Path | None) -> Iterator[BinaryIO]:
    """stdout, or FILE written through a temporary file and renamed: never half a file."""
    where = "stdout" if to_stdout(output) else str(output)
    try:
        with _open(output) as sink:
            yield sink
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise BadInput(
            f"cannot write {where} ({exc.strerror or exc}); nothing more was written"
        ) from None


@contextmanager
def _open(output: Path | None) -> Iterator[BinaryIO]:
    if output is None or str(output) == "-":
        sys.stdout.flush()
        buffer = sys.stdout.buffer
        yield buffer
        buffer.flush()
        return
    target = output.expanduser()
    if target.is_dir():
        raise BadInput(f"{output} is a folder; give a file name")
    if target.exists() and not target.is_file():
        # a device or a pipe (/dev/null, a FIFO): write into it; renaming would replace it
        try:
            special = target.open("wb")
        except OSError as exc:
            raise BadInput(
                f"cannot write {output} ({exc.strerror}); choose another place"
            ) from None
        with special:
            yield special
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        handle = os.fdopen(open_private(temporary), "wb")
    except OSError as exc:
        raise BadInput(f"cannot write {output} ({exc.strerror}); choose another place") from None
    try:
        with handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

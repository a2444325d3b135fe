"""Option values without pydantic when none is needed: Typer's converters import it (about 80 ms).

Typer (0.29) converts every non-flag option through a pydantic TypeAdapter, and builds that adapter
even for an option the rep left out. Most of ours are text or a path, or are left out, and need no
conversion at all; `prime` gives each parameter a converter that answers those at once and hands
anything else (a number, a name from a list, a value that would fail) to Typer's own converter, built
on demand, so messages and results stay exactly Typer's. `tests/test_startup.py` holds the gain:
`next`, `log` and `done` run without importing pydantic.
"""

from __future__ import annotations

import os
import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_MISSING = object()
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


class _OnDemand:
    """Stands in for Typer's runtime converter of one parameter (its `coerce` contract)."""

    def __init__(self, descriptor: Any) -> None:
        self._descriptor = descriptor
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if multiple:
            if isinstance(value, (list, tuple)) and get_origin(self._annotation) is list:
                (inner,) = get_args(self._annotation)
                items = [self._plain(inner, item) for item in value]
                if all(item is not _MISSING for item in items):
                    return items
        else:
            plain = self._plain(self._annotation, value)
            if plain is not _MISSING:
                return plain
        return self._converter().coerce(value, param, ctx)

    @property
    def _annotation(self) -> Any:
        return self._descriptor.annotation

    def _plain(self, annotation: Any, value: Any) -> Any:
        """The converted value when it needs no check Typer would make, else _MISSING."""
        info = self._descriptor.parameter_info
        if info.parser is not None or getattr(info, "count", False):
            return _MISSING
        if annotation is int and not info.clamp:
            return self._integer(value)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return self._choice(annotation, value)
        if not isinstance(value, str):
            return _MISSING
        if annotation is str:
            return value
        if annotation is Path:
            return self._path(value)
        return _MISSING

    def _choice(self, annotation: type[Enum], value: Any) -> Any:
        """The member named by `value`, in any case when the option is not case-sensitive."""
        folded = not self._descriptor.parameter_info.case_sensitive and isinstance(value, str)
        for member in annotation:
            if member is value or member.value == value:
                return member
            if (
                folded
                and isinstance(member.value, str)
                and member.value.casefold() == value.casefold()
            ):
                return member
        return _MISSING

    def _integer(self, value: Any) -> Any:
        info = self._descriptor.parameter_info
        if type(value) is int:  # a default
            number = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value):
            number = int(value)
        else:
            return _MISSING
        if (info.min is not None and number < info.min) or (
            info.max is not None and number > info.max
        ):
            return _MISSING  # Typer says which bound
        return number

    def _path(self, value: str) -> Any:
        info = self._descriptor.parameter_info
        if info.exists or info.resolve_path or info.allow_dash or info.writable:
            return _MISSING
        if info.path_type not in (None, Path) or not (info.file_okay and info.dir_okay):
            return _MISSING
        if info.readable and os.path.exists(value) and not os.access(value, os.R_OK):
            return _MISSING  # Typer says it is not readable
        return Path(value)

    def _converter(self) -> Any:
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(self._descriptor)
        return self._typer


def prime(command: Any, ctx: Any) -> None:
    """Give each of the command's parameters that Typer has not converted yet an `_OnDemand`.

    `get_params` includes the help option, which Click builds on first use.

    Relies on Typer's private `_runtime_param` and `type_descriptor`: when a Typer release renames
    them this does nothing, every value goes through Typer as before, and the start-up test fails.
    """
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and getattr(param, "_runtime_param", _MISSING) is None:
            param._runtime_param = _OnDemand(descriptor)

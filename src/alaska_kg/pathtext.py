"""File paths as text, for the query path: what it asks of pathlib, without importing pathlib.

`import pathlib` brings `fnmatch` and with it `re`, `urllib.parse` and `ipaddress` (~3-5 ms of a cold
`alaska-kg query`, docs/performance.md); the query path needs only to join names, take a parent, a name or
an extension, and ask whether something is there. Each function here answers as the pathlib expression
named in its docstring does for the paths the tool forms (absolute or relative, `/`-separated; POSIX and
Windows alike through `os.path`). Modules off the query path keep using pathlib.
"""

from __future__ import annotations

import os
import stat


def join(folder: str, *names: str) -> str:
    """`Path(folder, *names)`."""
    return os.path.join(folder, *names)


def parent(path: str) -> str:
    """`Path(path).parent` (`.` for a bare name)."""
    return os.path.dirname(path.rstrip(os.sep) or path) or "."


def name(path: str) -> str:
    """`Path(path).name`."""
    return os.path.basename(path.rstrip(os.sep))


def suffix(path: str) -> str:
    """`Path(path).suffix`: the last `.ext` of the name, `""` for `.hidden`, `name.` or no dot at all."""
    base = name(path)
    dot = base.rfind(".")
    return base[dot:] if 0 < dot < len(base) - 1 else ""


def _mode(path: str, follow: bool = True) -> int | None:
    try:
        return os.stat(path, follow_symlinks=follow).st_mode
    except (OSError, ValueError):  # as pathlib: missing, unreadable, or a name no file can have
        return None


def exists(path: str) -> bool:
    """`Path(path).exists()`."""
    return _mode(path) is not None


def is_dir(path: str) -> bool:
    """`Path(path).is_dir()`."""
    mode = _mode(path)
    return mode is not None and stat.S_ISDIR(mode)


def is_file(path: str) -> bool:
    """`Path(path).is_file()`."""
    mode = _mode(path)
    return mode is not None and stat.S_ISREG(mode)


def is_symlink(path: str) -> bool:
    """`Path(path).is_symlink()`."""
    mode = _mode(path, follow=False)
    return mode is not None and stat.S_ISLNK(mode)


def absolute(path: str) -> str:
    """`Path(path).absolute()`: joined to the current folder, nothing resolved (`..` and links stay)."""
    return path if os.path.isabs(path) else os.path.join(os.getcwd(), path)


def resolve(path: str) -> str:
    """`Path(path).resolve()`: absolute, links and `..` resolved."""
    return os.path.realpath(path)


def ancestors(path: str) -> list[str]:
    """`[path, *Path(path).parents]` of an absolute path: it, its parent, …, the root."""
    found = [path]
    while True:
        up = os.path.dirname(path)
        if up == path:
            return found
        found.append(up)
        path = up


__all__ = [
    "absolute",
    "ancestors",
    "exists",
    "is_dir",
    "is_file",
    "is_symlink",
    "join",
    "name",
    "parent",
    "resolve",
    "suffix",
]

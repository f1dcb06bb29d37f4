"""Regular expressions compiled on first use, not at import: a cold `alaska-kg query` uses few of them.

Compiling a pattern runs Python code (the `re` parser and compiler: 0.1-3 ms each, measured in
docs/performance.md); most modules on the query path hold patterns only for errors or rare inputs. A
`LazyRegex` is written like `re.compile(...)` (flags inline: `(?s)`, `(?x)`) and behaves like the
compiled pattern; `re` itself is imported only when the first one is used.
"""

from __future__ import annotations


class LazyRegex:
    """A pattern compiled when a method (`match`, `search`, `sub`, …) is first called."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled = None

    def __getattr__(self, name: str) -> object:
        if self._compiled is None:
            import re

            self._compiled = re.compile(self.pattern)
        return getattr(self._compiled, name)

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r})"


__all__ = ["LazyRegex"]

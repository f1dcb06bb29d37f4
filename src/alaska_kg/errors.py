"""The package's errors: one base class, one exit code per kind of failure."""

from __future__ import annotations

from pathlib import Path


class AlaskaKgError(Exception):
    """Base of every error the package raises on purpose; the CLI prints `message` and exits `exit_code`."""

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(AlaskaKgError):
    """The command line asks for something impossible (unknown option value, missing optional package)."""

    exit_code = 2


class SourceSyntaxError(AlaskaKgError):
    """A source file (Turtle) does not parse; names the file, line and column (1-based, code points)."""

    exit_code = 3

    def __init__(self, path: Path, line: int | None, column: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {reason}")


class ValidationFailed(AlaskaKgError):
    """The data does not conform to the SHACL shapes."""

    exit_code = 4


class OutputError(AlaskaKgError):
    """The build outputs cannot be written; names the path at fault."""

    exit_code = 5


class SourceNotFound(AlaskaKgError):
    """A source file or folder the build needs is missing; names the path."""

    exit_code = 6


__all__ = [
    "AlaskaKgError",
    "OutputError",
    "SourceNotFound",
    "SourceSyntaxError",
    "UsageError",
    "ValidationFailed",
]

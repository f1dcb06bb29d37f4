"""The package's errors: one base class, one exit code per kind of failure."""

from __future__ import annotations

TYPE_CHECKING = False  # pathlib is not imported on the query path (alaska_kg.pathtext)
if TYPE_CHECKING:
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

    def __init__(self, path: Path | str, line: int | None, column: int | None, reason: str) -> None:
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
    """The data does not conform to the SHACL shapes; carries the report (a ValidationReport) to print."""

    exit_code = 4

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class Inconsistent(AlaskaKgError):
    """The ontology and data are inconsistent under OWL 2 RL (an individual of two disjoint classes)."""

    exit_code = 15


class OutputError(AlaskaKgError):
    """The build outputs cannot be written; names the path at fault."""

    exit_code = 5


class SourceNotFound(AlaskaKgError):
    """A source file or folder the build needs is missing or cannot be read (a folder, a broken symbolic
    link, no permission); names the path."""

    exit_code = 6


class QueryNotFound(AlaskaKgError):
    """No canned query has the given name; the message suggests the closest names."""

    exit_code = 7


class QueryHeaderError(AlaskaKgError):
    """A .rq file's `#+ ` header is malformed or incomplete; names the file (and line)."""

    exit_code = 8


class QuerySyntaxError(AlaskaKgError):
    """A SPARQL query does not parse; names the query or file, line and column."""

    exit_code = 9


class QueryParameterError(AlaskaKgError):
    """A --param names a parameter the query does not declare, or has a value of the wrong type."""

    exit_code = 10


class ResourceNotFound(AlaskaKgError):
    """`describe` found nothing by that IRI, name or label; the message suggests the closest labels."""

    exit_code = 11


class ForbiddenQuery(AlaskaKgError):
    """The query guard refuses a query: SERVICE without --allow-service, a remote FROM, an update (always),
    or a codepoint escape that SPARQL readers take two ways."""

    exit_code = 12


class QueryTooLarge(ForbiddenQuery):
    """The query guard refuses a query longer than it can vouch for: past the guard's token limit, long flat
    chains (`1+1+…`, `!!…`, UNIONs, collections) overflow the engine's recursive parser and crash the
    process. A request error (HTTP 400), exit 12 like every refusal of the guard."""


class QueryTimeout(AlaskaKgError):
    """A local query ran past its deadline (`--timeout`) and was stopped; names the query."""

    exit_code = 13


class AnswerCut(AlaskaKgError):
    """An answer had more rows (or triples) than `--max-rows`; the first ones were written, then this."""

    exit_code = 14


class CorruptOutput(AlaskaKgError):
    """A built file does not match the size and SHA-256 digest its build recorded in the manifest beside it
    (edited, truncated or damaged on disk); names the file. A cache entry is rebuilt instead."""

    exit_code = 40


class ReadOnlySources(AlaskaKgError):
    """A command would write into the copy of the sources packaged with alaska-kg (site-packages)."""

    exit_code = 41


class WikidataUnreachable(AlaskaKgError):
    """The Wikidata API cannot be reached at all (no network, DNS failure, connection refused)."""

    exit_code = 20


class WikidataError(AlaskaKgError):
    """The Wikidata API answered badly: a timeout, an error status after the retries, an unreadable answer."""

    exit_code = 21


class LinkRefused(AlaskaKgError):
    """`link suggest --accept` will not write a link: its QID is known-wrong, taken, deleted or a redirect."""

    exit_code = 22


class EndpointUnreachable(AlaskaKgError):
    """A SPARQL endpoint cannot be reached, or gives no answer in time (no route, refused, timed out)."""

    exit_code = 30


class EndpointRefused(AlaskaKgError):
    """A SPARQL endpoint answered 4xx (or redirected): the request, the URL or the credentials are wrong."""

    exit_code = 31


class EndpointFailed(AlaskaKgError):
    """A SPARQL endpoint answered 5xx: the server failed on a request it accepted."""

    exit_code = 32


class EndpointAnswerError(AlaskaKgError):
    """A SPARQL endpoint answered 2xx with something unreadable: an unknown media type, broken results."""

    exit_code = 33


__all__ = [
    "AlaskaKgError",
    "AnswerCut",
    "CorruptOutput",
    "EndpointAnswerError",
    "EndpointFailed",
    "EndpointRefused",
    "EndpointUnreachable",
    "ForbiddenQuery",
    "LinkRefused",
    "OutputError",
    "QueryHeaderError",
    "QueryNotFound",
    "QueryParameterError",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReadOnlySources",
    "ResourceNotFound",
    "SourceNotFound",
    "SourceSyntaxError",
    "UsageError",
    "ValidationFailed",
    "WikidataError",
    "WikidataUnreachable",
]

"""The common command lines read without argparse, so that a cold `alaska-kg query NAME` does not pay for it.

argparse with what it pulls in (gettext, locale, shutil) and the formatting of every help text while the
parser is built cost a cold query ~4-6 ms (docs/performance.md). A command module may list, in
`FAST_COMMANDS`, the options of some of its commands (see alaska_kg.cli.query); a command line made only of
those, written out in full (`--format csv`, `--format=csv`, flags without a value, values that do not start
with `-`, at most the declared positionals), is read here into the namespace argparse would have made.
Anything else (`--help`, an abbreviated or unknown option, `--`, a missing value, a value a converter
refuses, a missing or extra positional) returns None, and the caller hands the command line to argparse,
which then prints its own help or error: the outputs, errors and exit codes are argparse's, byte for byte
(tests/test_cli_fast.py).
"""

from __future__ import annotations

import sys

# = types.SimpleNamespace, without importing `types` (~0.3 ms): the type of sys.implementation is that class
SimpleNamespace = type(sys.implementation)

# option -> (dest, kind, converter, default); kind: "flag" (store_true), "value" (store), "append"
Option = tuple  # (str, str, object, object), spelled out in alaska_kg.cli.query.FAST_COMMANDS
# command -> (handler, ((dest, required), ...), {option: Option})
FastCommand = tuple


def read(argv: list[str], commands: dict[str, FastCommand]) -> SimpleNamespace | None:
    """The namespace argparse would make of `argv` (`COMMAND ARGS…`), or None if this reader is not sure."""
    if not argv or argv[0] not in commands:
        return None
    command, rest = argv[0], argv[1:]
    handler, positionals, options = commands[command]
    values: dict[str, object] = {dest: default for dest, _, _, default in options.values()}
    given: list[str] = []
    index = 0
    while index < len(rest):
        arg = rest[index]
        index += 1
        if not arg.startswith("-"):
            given.append(arg)
            continue
        name, equals, inline = arg.partition("=")
        option = options.get(name)
        if option is None:  # -h, --help, `--`, an abbreviation, a short or unknown option
            return None
        dest, kind, convert, _ = option
        if kind == "flag":
            if equals:
                return None
            values[dest] = True
            continue
        if equals:
            value = inline
        elif index < len(rest):
            value = rest[index]
            index += 1
        else:
            return None
        if value.startswith("-"):  # argparse has its own rules for these (negative numbers, spaces)
            return None
        try:
            converted = convert(value) if convert is not None else value
        except ValueError:
            return None
        values[dest] = [*values[dest], converted] if kind == "append" else converted  # type: ignore[misc]
    if len(given) > len(positionals):
        return None
    for position, (dest, required) in enumerate(positionals):
        if position < len(given):
            values[dest] = given[position]
        elif required:
            return None
        else:
            values[dest] = None
    return SimpleNamespace(command=command, handler=handler, **values)


__all__ = ["read"]

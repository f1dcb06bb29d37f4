"""Immutable records with named fields, as `collections.namedtuple` makes them, at a fraction of the start-up.

A cold `alaska-kg query` defines a dozen record classes. `namedtuple` imports `collections` (with
`operator`, `keyword`, `reprlib`, `itertools`: ~1.5 ms) and builds each class by `exec` of generated
source (~0.1 ms each); a frozen dataclass costs ~0.5 ms per class and imports `inspect`. A `Record`
subclass names its fields in `_fields` (and, in `_defaults`, the default values of the last ones, as
namedtuple's `defaults`) and is ready when the class statement
ends: a tuple, so immutable and hashable, whose fields read by name (the C accessors namedtuple uses, where
the interpreter has them), with namedtuple's `_replace`, `_asdict`, `repr` and pickling.

    class Entry(Record):
        __slots__ = ()  # no instance dict: nothing can be set on a record
        _fields = ("name", "size", "sha256")
        _defaults = ("",)  # sha256
        name: str
        size: int
        sha256: str
"""

from __future__ import annotations

try:  # CPython's read-only field accessor (what namedtuple uses); built into the interpreter
    from _collections import _tuplegetter
except ImportError:  # pragma: no cover - other interpreters

    def _tuplegetter(index: int, doc: str) -> property:
        return property(lambda self: self[index], doc=doc)


class Record(tuple):
    """A tuple with named fields: `Entry(name, size, sha256)` or by keyword; see the module docstring."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: tuple[object, ...] = ()
    _field_defaults: dict[str, object]  # set on each subclass: field name -> default

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls._fields
        for index, name in enumerate(cls.__dict__.get("_fields", ())):
            setattr(cls, name, _tuplegetter(index, f"Alias for field number {index}"))
        if len(cls._defaults) > len(fields):
            raise TypeError(f"{cls.__name__}: more defaults than fields")
        cls._field_defaults = dict(
            zip(fields[len(fields) - len(cls._defaults) :], cls._defaults, strict=True)
        )

    def __new__(cls, *args: object, **kwargs: object):
        fields = cls._fields
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were given")
        if not kwargs and len(args) == len(fields):
            return tuple.__new__(cls, args)
        values = list(args)
        for name in fields[len(args) :]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in cls._field_defaults:
                values.append(cls._field_defaults[name])
            else:
                raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
        if kwargs:
            raise TypeError(
                f"{cls.__name__}() got an unexpected or repeated argument: {next(iter(kwargs))!r}"
            )
        return tuple.__new__(cls, values)

    def _replace(self, **changes: object):
        """A copy with the fields named in `changes` replaced (namedtuple's `_replace`)."""
        values = [changes.pop(name, value) for name, value in zip(self._fields, self, strict=True)]
        if changes:
            raise ValueError(f"{type(self).__name__} has no field {next(iter(changes))!r}")
        return tuple.__new__(type(self), values)

    def _asdict(self) -> dict[str, object]:
        """The fields by name, in order (namedtuple's `_asdict`)."""
        return dict(zip(self._fields, self, strict=True))

    def __getnewargs__(self) -> tuple[object, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({fields})"


__all__ = ["Record"]

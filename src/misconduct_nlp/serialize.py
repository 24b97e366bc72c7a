"""msgpack codec for the values misconduct-nlp stores on a Doc, so Docs serialise.

spaCy writes ``doc.user_data`` (where ``doc._.claims``, ``doc._.published`` and every
``span._.period`` / ``span._.force`` live) with srsly's msgpack, which knows only plain
data. This module registers one encoder and one decoder in srsly's ``msgpack_encoders`` /
``msgpack_decoders`` registries so that ``Doc.to_bytes()``/``Doc.from_bytes()``,
``DocBin(store_user_data=True)`` and ``nlp.pipe(texts, n_process=2)`` (which ships Docs
between processes as bytes) carry them and give back objects of the same types.

The codec is generic: any dataclass defined in the ``misconduct_nlp`` package
(:class:`~misconduct_nlp.model.Claim`, ``ForceRef``, ``PeriodRef``, ``TextSpan``,
``Published``, :class:`~misconduct_nlp.periods.Period`, :class:`~misconduct_nlp.forces.Force`,
and any added later) is written as a type tag (``module:qualname``) and its ``init`` fields by
name, and rebuilt by calling the class with the fields it still has. A field added to a class
later is written from then on; bytes written before it was added get the field's default. A
field annotated ``list[...]`` or ``tuple[...]`` comes back as that (msgpack has only arrays,
read as lists or, in spaCy's DocBin, as tuples). ``datetime.date``
and ``datetime.datetime`` are written as ISO strings under their own tags.

Decoding imports only modules of this package and builds only dataclasses.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

import srsly

PACKAGE = "misconduct_nlp"
DATACLASS_TAG = "__misconduct_nlp__"   # value: "module:qualname"
FIELDS_KEY = "fields"                  # beside the tag: {field name: value}
DATE_TAG = "__misconduct_nlp_date__"   # value: ISO date
DATETIME_TAG = "__misconduct_nlp_datetime__"   # value: ISO datetime

__all__ = ["DATACLASS_TAG", "DATETIME_TAG", "DATE_TAG", "decode", "encode"]


def _ours(cls: type) -> bool:
    module = cls.__module__
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def encode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """Plain data for one of our dataclasses or a date; anything else goes down the chain."""
    if isinstance(obj, datetime):
        return {DATETIME_TAG: obj.isoformat()}
    if isinstance(obj, date):
        return {DATE_TAG: obj.isoformat()}
    cls = type(obj)
    if dataclasses.is_dataclass(cls) and _ours(cls):
        # the values themselves (not asdict's deep copies): msgpack calls back here for nested ones
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
        return {DATACLASS_TAG: f"{cls.__module__}:{cls.__qualname__}", FIELDS_KEY: values}
    return obj if chain is None else chain(obj)


@cache
def _class(tag: str) -> tuple[type, dict[str, type | None]]:
    """The class a tag names and, per init field, the container (list or tuple) it holds, if any."""
    module_name, _, qualname = tag.partition(":")
    if not (module_name == PACKAGE or module_name.startswith(PACKAGE + ".")):
        raise ValueError(f"refusing to rebuild {tag!r}: not a misconduct_nlp class")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        raise ValueError(f"refusing to rebuild {tag!r}: not a dataclass")
    containers = {f.name: _container(f.type) for f in dataclasses.fields(obj) if f.init}
    return obj, containers


def _container(annotation: Any) -> type | None:
    """``list`` or ``tuple`` for a field annotated as one (msgpack readers give either for an
    array: spaCy's DocBin reads with ``use_list=False``), else None."""
    if isinstance(annotation, str):  # ``from __future__ import annotations``
        text = annotation.replace(" ", "")
        for kind, name in ((list, "list"), (tuple, "tuple")):
            if text == name or text.startswith((name + "[", name + "|", name.title() + "[")):
                return kind
        return None
    for kind in (list, tuple):
        if annotation is kind or getattr(annotation, "__origin__", None) is kind:
            return kind
    return None


def _get(obj: dict[Any, Any], key: str) -> Any:
    value = obj.get(key)
    return obj.get(key.encode()) if value is None else value


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else value


def decode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """Rebuild what :func:`encode` wrote; anything else goes down the chain."""
    if isinstance(obj, dict) and len(obj) <= 2:
        tag = _get(obj, DATACLASS_TAG)
        if tag is not None:
            cls, containers = _class(_text(tag))
            values = _get(obj, FIELDS_KEY) or {}
            kwargs = {}
            for name, value in values.items():
                name = _text(name)
                if name not in containers:
                    continue  # a field the class no longer has
                kind = containers[name]
                if kind is not None and isinstance(value, (list, tuple)) and type(value) is not kind:
                    value = kind(value)
                kwargs[name] = value
            return cls(**kwargs)
        iso = _get(obj, DATE_TAG)
        if iso is not None:
            return date.fromisoformat(_text(iso))
        iso = _get(obj, DATETIME_TAG)
        if iso is not None:
            return datetime.fromisoformat(_text(iso))
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("misconduct_nlp", func=encode)
srsly.msgpack_decoders.register("misconduct_nlp", func=decode)

"""Experiment keys as Python keyword arguments, and the provenance every result carries.

The keys are those of the one key table (docs/experiment.md): a key ``t-max`` is the keyword ``t_max``. Values
are turned into the text the table's parsers read, so a bad value gets the same message as on the command line
and in the URL, with the key spelled as a keyword (``d=: '2.5' is not a whole number ...``).
"""

from __future__ import annotations

import math
import numbers
import shlex

import numpy as np

from . import _core

_TABLE = {key["name"]: key for key in _core.keys()}
_NUMERIC = {"integer", "whole number", "number"}


def keyword(name: str) -> str:
    """The Python spelling ``t_max=`` of the key ``t-max`` (errors.h, Surface::python)."""
    return name.replace("-", "_") + "="


def scalar(value):
    """A 0-d numpy array as its Python scalar (np.array(1000) → 1000); anything else unchanged."""
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


def require(**values) -> None:
    """TypeError naming the first required argument that is None."""
    for name, value in values.items():
        if value is None:
            raise TypeError(f"{name}=: required (None given); see help(grassflow) for what it takes")


def _number_text(name: str, value) -> str:
    value = scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{keyword(name)}: expected a number (int or float), got {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return repr(float(value))


def _matrix_text(name: str, value) -> str:
    try:
        M = np.asarray(value)
    except Exception as error:  # a ragged list
        raise TypeError(f"{keyword(name)}: expected an r x r array of numbers ({error})") from None
    if M.dtype.kind not in "iuf":
        raise TypeError(f"{keyword(name)}: expected an r x r array of numbers (int or float), got dtype {M.dtype}")
    if M.ndim != 2:
        raise ValueError(f"{keyword(name)}: expected an r x r matrix, got an array of shape {M.shape}")
    return ";".join(",".join(repr(float(x)) for x in row) for row in M)


def key_text(name: str, value) -> str:
    """``value`` of key ``name`` as the key table's parser reads it. Raises TypeError for a value of the wrong
    type (a string for a number, a float for a link); the table's parser judges the rest."""
    kind = _TABLE[name]["type"]
    if kind == "matrix":
        return _matrix_text(name, value)
    if kind in _NUMERIC:
        return _number_text(name, value)
    if not isinstance(value, str):
        raise TypeError(f"{keyword(name)}: expected a string, got {type(value).__name__} {value!r}")
    return value


def key_texts(**values) -> dict[str, str]:
    """The given (not None) keyword arguments as {key: text} for the core (``t_max`` -> ``t-max``)."""
    return {name.replace("_", "-"): key_text(name.replace("_", "-"), v) for name, v in values.items() if v is not None}


def typed(name: str, text: str):
    """A resolved key's text as the CLI's JSON types it (provenance.cpp typed_value, dynamics_cli.cpp resolved):
    the numeric keys' whole numbers below 2^53 as int, other finite numbers as float (keys of type "number" always
    float), the other keys (link, objective, ...) and everything else as strings."""
    if name in _TABLE and _TABLE[name]["type"] not in _NUMERIC:
        return text
    try:
        x = float(text)
    except ValueError:
        return text
    if not math.isfinite(x) or any(c in text for c in "xXpP"):
        return text
    if name in _TABLE and _TABLE[name]["type"] == "number":
        return x
    return int(x) if x == math.floor(x) and abs(x) < 2**53 else x


def command_line(command: str, options: dict) -> str:
    """``grassflow COMMAND --key value ...`` for the options (None left out, True as a bare flag), each word
    quoted for a POSIX shell where needed."""
    words = ["grassflow", command]
    for name, value in options.items():
        if value is None or value is False:
            continue
        words.append("--" + name.replace("_", "-"))
        if value is not True:
            words.append(value if isinstance(value, str) else _plain(value))
    return " ".join(shlex.quote(w) for w in words)


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_plain(v) for v in value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)
    return str(value)


def provenance(command_line_text: str, given: dict, resolved: dict) -> dict:
    """The provenance fields of the CLI's JSON outputs (docs/cli.md, "Provenance"): version, commit, build,
    command_line, params (the keyword arguments given), resolved (every key with its value or default)."""
    return {
        "version": _core.version(),
        "commit": _core.commit(),
        "build": {"target": "native", "simd": _core.simd_target(), "interface": "python"},
        "command_line": command_line_text,
        "params": {k: _jsonable(v) for k, v in given.items() if v is not None},
        "resolved": {k: typed(k, v) if isinstance(v, str) else _jsonable(v) for k, v in resolved.items()},
    }


class LazyProvenance:
    """The arguments of ``provenance``, kept until a result's ``params`` is first read (it costs as much as a
    small flow: results are made in loops)."""

    def __init__(self, command_line_text: str, given: dict, resolved: dict):
        self.args = (command_line_text, given, resolved)

    def build(self) -> dict:
        return provenance(*self.args)


def _jsonable(value):
    if isinstance(value, np.ndarray):
        if value.size > 64:
            return f"<array {value.dtype} {value.shape}>"
        return value.tolist()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value

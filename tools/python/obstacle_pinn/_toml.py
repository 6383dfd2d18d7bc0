"""TOML text from Python values, for case files built in Python.

The engine reads every case through its own case-file reader, so a case given
as a dictionary is written out as TOML first: the keys, the checks and the
messages are then those of a case file. Only what case files use is needed:
tables, arrays of tables (``[[stage]]``), strings, numbers, booleans and
arrays of those.
"""

import json
import math
import numbers
import re

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name):
    """A TOML key: bare where it can be, quoted otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"case keys are strings; found {name!r}")
    return name if _BARE_KEY.match(name) else json.dumps(name)


def value(v, where):
    """A TOML value (not a table) for the Python value ``v`` at key ``where``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return json.dumps(v)  # JSON's string escapes are TOML's basic-string escapes
    if hasattr(v, "tolist") and not isinstance(v, (list, tuple)):  # NumPy arrays and scalars
        return value(v.tolist(), where)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(item, f"{where}[{i}]") for i, item in enumerate(v)) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(item, f'{where}.{k}')}" for k, item in v.items()) + " }"
    raise TypeError(f"{where}: found {type(v).__name__} {v!r}; allowed: a string, number, boolean, list or dict")


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(item, dict) for item in v)


def dumps(table):
    """The TOML text of a dictionary of tables (a whole case)."""
    lines = []

    def write(t, path):
        plain = [(k, v) for k, v in t.items() if not isinstance(v, dict) and not _is_table_array(v)]
        tables = [(k, v) for k, v in t.items() if isinstance(v, dict)]
        arrays = [(k, v) for k, v in t.items() if _is_table_array(v)]
        for k, v in plain:
            lines.append(f"{key(k)} = {value(v, '.'.join(path + [k]))}")
        for k, v in tables:
            lines.append("")
            lines.append("[" + ".".join(key(p) for p in path + [k]) + "]")
            write(v, path + [k])
        for k, v in arrays:
            for item in v:
                lines.append("")
                lines.append("[[" + ".".join(key(p) for p in path + [k]) + "]]")
                write(item, path + [k])

    if not isinstance(table, dict):
        raise TypeError(f"a case is a dict of sections ({{'problem': {{...}}, ...}}); found {type(table).__name__}")
    write(table, [])
    return "\n".join(lines).lstrip("\n") + "\n"

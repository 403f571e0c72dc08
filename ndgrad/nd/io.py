"""``nd.save`` / ``nd.load``: arrays to a file and back.

The file is ndgrad's own format, a NumPy ``.npz`` archive (not MXNet's binary format):
one entry per array, plus ``__ndgrad__``, a small header saying whether a list (entries
``0``, ``1``, ...) or a dict (entries named by its keys) was saved. Dtypes and shapes
are kept; gradients and graphs are not.
"""
import numpy as np

from ndgrad._engine import Array

_HEADER = "__ndgrad__"
_VERSION = 1


def save(fname, data):
    """Save an array, a list of arrays or a dict of str -> array to ``fname``.

        >>> nd.save('/tmp/x.nd', {'w': nd.ones((2,))})
        >>> nd.load('/tmp/x.nd')['w']
        <BLANKLINE>
        [1. 1.]
        <NDArray 2 @cpu(0)>
    """
    if isinstance(data, Array):
        data = [data]
    if isinstance(data, dict):
        kind, items = "dict", list(data.items())
        if not all(isinstance(k, str) for k, _ in items):
            raise TypeError("save: the keys of a dict of arrays must be strings")
    elif isinstance(data, (list, tuple)):
        kind, items = "list", [(str(i), a) for i, a in enumerate(data)]
    else:
        raise TypeError(f"save: data must be an NDArray, a list of NDArrays or a dict of "
                        f"str -> NDArray, not {type(data).__name__}")
    for key, a in items:
        if not isinstance(a, Array):
            raise TypeError(f"save: entry {key!r} is a {type(a).__name__}, not an NDArray")
        if key == _HEADER:
            raise ValueError(f"save: the key {_HEADER!r} is reserved")
    import json  # here: only save and load need it, few scripts call them
    header = json.dumps({"format": "ndgrad", "version": _VERSION, "kind": kind,
                         "keys": [k for k, _ in items]})
    with open(fname, "wb") as f:  # a file object: np.savez would append '.npz' to a name
        np.savez(f, **{_HEADER: np.array(header)}, **{k: a._data for k, a in items})


def load(fname):
    """Load what ``save`` wrote: a list of NDArrays, or a dict of str -> NDArray."""
    import json
    from ndgrad.ndarray import NDArray
    archive = np.load(fname, allow_pickle=False)
    if not isinstance(archive, np.lib.npyio.NpzFile) or _HEADER not in archive.files:
        raise ValueError(f"load: {fname!r} is not a file written by ndgrad's nd.save")
    with archive:
        header = json.loads(str(archive[_HEADER]))
        arrays = [(k, NDArray._wrap(archive[k])) for k in header["keys"]]
    return dict(arrays) if header["kind"] == "dict" else [a for _, a in arrays]

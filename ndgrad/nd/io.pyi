# Type stub for ndgrad/nd/io.py: nd.save / nd.load. Kept in step with the module by
# mypy.stubtest (tests/test_packaging.py).
import os
from collections.abc import Mapping, Sequence

from ndgrad._engine import Array
from ndgrad.ndarray import NDArray

def save(fname: str | os.PathLike[str],
         data: Array | Sequence[Array] | Mapping[str, Array]) -> None: ...
def load(fname: str | os.PathLike[str]) -> list[NDArray] | dict[str, NDArray]: ...

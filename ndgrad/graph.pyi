# Type stub for ndgrad/graph.py: the snapshot autograd.get_symbol returns. Kept in step
# with the module by mypy.stubtest (tests/test_packaging.py).
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ndgrad._engine import Array

@dataclass(frozen=True)
class Entry:
    name: str
    op: str
    inputs: tuple[str, ...]
    attrs: dict[str, Any]
    outputs: tuple[tuple[tuple[int, ...], str], ...]
    edges: tuple[tuple[str, int | str], ...] = ()
    scalars: tuple[str, ...] = ()

class Graph:
    entries: tuple[Entry, ...]
    def __init__(self, entries: Iterable[Entry], heads: Iterable[tuple[str, int]]) -> None: ...
    def list_arguments(self) -> list[str]: ...
    def list_outputs(self) -> list[str]: ...
    def to_dot(self) -> str: ...

def build(arrays: Sequence[Array]) -> Graph: ...

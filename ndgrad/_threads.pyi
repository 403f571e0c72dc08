# Type stub for ndgrad/_threads.py (set_num_threads and get_num_threads are re-exported
# by ndgrad). Kept in step with the module by mypy.stubtest (tests/test_packaging.py).
from collections.abc import Callable
from typing import Any, SupportsIndex

MIN_SIZE: int
BLOCK: int

def set_num_threads(n: SupportsIndex) -> None: ...
def get_num_threads() -> int: ...
def split(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...

# Type stub for ndgrad/random.py: the random state every namespace's samplers share.
# Kept in step with the module by mypy.stubtest (tests/test_packaging.py).
import numpy as np

from ndgrad.context import Context

def seed(seed_state: int | None, ctx: Context | str = "all") -> None: ...
def generator() -> np.random.Generator: ...

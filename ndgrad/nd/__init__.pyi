# ndgrad.nd is filled from the op registry at import (_namespace.populate):
# a type checker cannot see its functions, so they are typed Any here
# (tests/test_packaging.py checks that every such namespace has a stub).
from typing import Any

from ndgrad.context import Context as Context
from ndgrad.context import cpu as cpu
from ndgrad.context import current_context as current_context
from ndgrad.nd import linalg as linalg
from ndgrad.nd import random as random
from ndgrad.ndarray import NDArray as NDArray

def __getattr__(name: str) -> Any: ...

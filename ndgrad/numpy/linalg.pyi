# ndgrad.numpy.linalg is filled from the op registry at import (_namespace.populate):
# a type checker cannot see its functions, so they are typed Any here
# (tests/test_packaging.py checks that every such namespace has a stub).
from typing import Any

def __getattr__(name: str) -> Any: ...

"""Every op, registered once (see registry.py). Importing this package registers them."""
from ndgrad.ops import creation, elementwise, linalg, reduce, shape  # noqa: F401
from ndgrad.ops.registry import REGISTRY, GradTest, OpSpec, defop  # noqa: F401

"""Every op, registered once (see registry.py). Importing this package registers them."""
from ndgrad.ops import creation, elementwise, linalg, reduce, shape  # noqa: F401
from ndgrad.ops import indexing, special  # noqa: F401
from ndgrad.ops import nn  # noqa: F401  (neural-network layers)
from ndgrad.ops import linalg_np, numpy_ops  # noqa: F401  (np-only ops)
from ndgrad.ops.registry import REGISTRY, GradTest, OpSpec, defop  # noqa: F401

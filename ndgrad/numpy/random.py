"""``ndgrad.np.random``: samplers with NumPy's signatures (``size=``), generated from
the op registry by ndgrad.np and seeded by ``npx.random.seed``."""
from ndgrad.random import seed  # noqa: F401

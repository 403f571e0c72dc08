"""``ndgrad.np.linalg``: linear algebra with gradients (generated from the op registry
by ndgrad.np)."""

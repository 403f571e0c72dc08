"""Linear algebra of the ``nd`` namespace (``nd.linalg.gemm2``...), generated from the
op registry by ndgrad.nd."""

"""Random samplers of the ``nd`` namespace (generated from the op registry by
ndgrad.nd), seeded by ``ndgrad.random.seed``."""

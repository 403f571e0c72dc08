"""``ndgrad.np.random``: samplers with NumPy's signatures (``size=``), generated from
the op registry by ndgrad.np and seeded by ``npx.random.seed``."""
from ndgrad.random import seed  # noqa: F401


def shuffle(x):
    """Shuffle the array ``x`` in place along its first axis.

        >>> x = np.arange(5)
        >>> np.random.shuffle(x)
        >>> sorted(x.tolist())
        [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    from ndgrad.ops.creation import shuffle as permutation
    x[...] = x[permutation(len(x))]

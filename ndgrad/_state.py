"""Recording and training flags, one pair per thread: ``flags.recording`` and
``flags.training`` read and set the calling thread's (see ndgrad._engine, which reads
them on every op).
"""
from ndgrad._engine import flags

__all__ = ["flags"]

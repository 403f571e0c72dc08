"""Recording and training flags, one pair per thread.

MXNet keeps these thread-local; so do we, so that threads can record and differentiate
independent graphs at once. The engine reads ``flags.recording`` on every op.
"""
import threading


class _Flags(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False


flags = _Flags()

"""Devices. ndgrad computes on the CPU only; ``ctx=`` arguments are accepted for
MXNet code and checked."""


class Context:
    """A device; only ``cpu(0)`` exists in ndgrad."""

    def __init__(self, device_type="cpu", device_id=0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type != "cpu":
            raise ValueError(
                f"ndgrad runs on the CPU only; the device {device_type}({device_id}) is "
                "not available. Use ndgrad.cpu() (or drop the ctx argument).")
        self.device_type = device_type
        self.device_id = device_id

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    def __eq__(self, other):
        return isinstance(other, Context) and (
            (self.device_type, self.device_id) == (other.device_type, other.device_id))

    def __hash__(self):
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def cpu(device_id=0):
    """The CPU context, ``cpu(0)``."""
    return Context("cpu", device_id)


def gpu(device_id=0):
    """Always an error: ndgrad has no GPU support."""
    return Context("gpu", device_id)


def current_context():
    return cpu()


def check(ctx):
    """Validate a ``ctx=`` argument (None, a Context, or a device name)."""
    if ctx is not None and not isinstance(ctx, Context):
        Context(ctx)

"""``ndgrad.npx.random``: seeding the generator every namespace's samplers share."""
from ndgrad.random import seed  # noqa: F401

"""This suite runs hypothesis profile ``ci`` (short, derandomised) unless
NDGRAD_HYPOTHESIS_PROFILE names another (dev, thorough). The profiles are defined
once, in ndgrad.testing.pytest_plugin."""
from ndgrad.testing.pytest_plugin import load_profile

load_profile(default="ci")

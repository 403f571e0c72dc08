"""Hypothesis profiles, chosen with NDGRAD_HYPOTHESIS_PROFILE (default: ci).

ci       -- few examples, derandomised: the default test run stays within minutes.
dev      -- more examples, random.
thorough -- many examples, for a long run before a release.
"""
import os

from hypothesis import HealthCheck, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=15, derandomize=True, **_common)
settings.register_profile("dev", max_examples=100, **_common)
settings.register_profile("thorough", max_examples=1000, **_common)
settings.load_profile(os.environ.get("NDGRAD_HYPOTHESIS_PROFILE", "ci"))

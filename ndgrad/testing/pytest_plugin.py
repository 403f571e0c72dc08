"""Hypothesis profiles for gradient property tests, as a pytest plugin.

Installed ndgrad registers this module with pytest (entry point ``pytest11``), so in
any project:

    NDGRAD_HYPOTHESIS_PROFILE=thorough python -m pytest     # or
    python -m pytest --hypothesis-profile=ndgrad-thorough

ci       -- 15 examples, derandomised: short and repeatable, for every commit.
dev      -- 100 random examples.
thorough -- 1000 random examples, for a long run before a release.

They are registered with hypothesis as ``ndgrad-ci``, ``ndgrad-dev`` and
``ndgrad-thorough``: hypothesis has a ``ci`` profile of its own, which it loads by
itself when it sees a CI environment (``CI`` set), and a plugin must not replace that
under another project's feet. All three drop hypothesis' deadline and too-slow health
checks: a numeric gradient check is many evaluations of the function by design.
Without the variable (or the option) nothing is loaded and the project's own
hypothesis settings stay in force. A project's conftest.py can pick a default instead:

    from ndgrad.testing.pytest_plugin import load_profile
    load_profile(default="ci")
"""
import os

ENV_VAR = "NDGRAD_HYPOTHESIS_PROFILE"
PROFILES = {"ci": dict(max_examples=15, derandomize=True),
            "dev": dict(max_examples=100),
            "thorough": dict(max_examples=1000)}

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the plugin must not break pytest where hypothesis is missing
    settings = None


def hypothesis_name(name):
    """The name hypothesis knows the profile ``name`` (ci, dev, thorough) by."""
    return f"ndgrad-{name}"


def register_profiles():
    """Register ndgrad-ci, ndgrad-dev and ndgrad-thorough with hypothesis
    (idempotent)."""
    common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                        HealthCheck.data_too_large])
    for name, options in PROFILES.items():
        settings.register_profile(hypothesis_name(name), **common, **options)


def load_profile(default=None):
    """Load the profile named by $NDGRAD_HYPOTHESIS_PROFILE (ci, dev or thorough),
    else ``default`` (if any); returns the name loaded, or None."""
    name = os.environ.get(ENV_VAR) or default
    if name is not None:
        if name not in PROFILES:
            raise ValueError(f"{ENV_VAR}={name!r}: the profiles are "
                             f"{', '.join(PROFILES)}")
        settings.load_profile(hypothesis_name(name))
    return name


if settings is not None:
    # At import, before hypothesis' own plugin handles --hypothesis-profile.
    register_profiles()


def pytest_configure(config):
    if settings is not None:
        load_profile()

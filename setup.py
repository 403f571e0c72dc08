"""Build the Cython core.

Compiler directives live here, once. NDGRAD_DEBUG=1 builds with bounds checking,
wraparound and initialisation checks on (and debug info), for the debug CI run.
"""
import hashlib
import json
import os
import re

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

DEBUG = os.environ.get("NDGRAD_DEBUG") == "1"

directives = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    # C division in both builds: the debug build checks more, it computes the same
    # (a float division by zero is inf with the FPU flag NumPy reports, not an error).
    "cdivision": True,
    "embedsignature": True,
}
# Recorded in the generated C (a macro, so in Cython's metadata header; see BuildExt).
_key = json.dumps(directives, sort_keys=True).encode()
DIGEST = "d" + hashlib.sha256(_key).hexdigest()[:12]

# No -march: wheels must run on any CPU of their platform tag, and results must not
# depend on FMA contraction. -g0 drops the debug info Python's own CFLAGS ask for (it
# would triple the size of the wheel); the debug build keeps it.
compile_args = [] if os.name == "nt" else ["-O2", "-ffp-contract=off"]
if compile_args and not DEBUG:
    compile_args.append("-g0")
# The kernels' elementwise loops are left scalar at -O2 and vectorised at -O3 (SSE2,
# 4 floats at a time; relu_grad's branch becomes a mask: 7x on 32K random floats).
# Vectorising elementwise arithmetic does not change a result; reductions are not
# reordered without -ffast-math, and -ffp-contract=off keeps FMA out either way.
kernel_args = [a if a != "-O2" else "-O3" for a in compile_args]


class BuildExt(build_ext):
    """Runs Cython and finds NumPy's headers only when the extensions are built, so
    that making an sdist needs neither (and writes no generated C)."""

    def run(self):
        import numpy
        from Cython.Build import cythonize

        for ext in self.extensions:
            ext.include_dirs.append(numpy.get_include())
            # In place: setuptools has already annotated these Extension objects. C
            # generated with other directives (the other mode, debug or not, or an
            # edit above) is regenerated: Cython only compares timestamps. The newer C
            # then gets the module recompiled.
            stale = _generated_directives(ext.sources[0]) not in (None, DIGEST)
            ext.sources = cythonize([ext], compiler_directives=directives,
                                    force=stale)[0].sources
        super().run()


def _generated_directives(pyx):
    """NDGRAD_DIRECTIVES as recorded in the Cython metadata of the C generated from
    ``pyx`` earlier, or None if there is no such C."""
    try:
        with open(os.path.splitext(pyx)[0] + ".c", encoding="utf-8") as f:
            head = f.read(65536)
    except OSError:
        return None
    meta = re.search(r"BEGIN: Cython Metadata\n(.*?)\nEND: Cython Metadata", head, re.S)
    macros = dict(json.loads(meta.group(1))["distutils"].get("define_macros", [])) \
        if meta else {}
    return macros.get("NDGRAD_DIRECTIVES", "?")


extensions = [
    Extension(
        f"ndgrad.{name}",
        [f"ndgrad/{name}.pyx"],
        # Built against NumPy 2, importable with any NumPy from 1.23 (the oldest that
        # pyproject.toml allows): NumPy 2's headers keep the 1.x ABI for this target.
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                       ("NPY_TARGET_VERSION", "NPY_1_23_API_VERSION"),
                       ("NDGRAD_DEBUG", str(int(DEBUG))),
                       ("NDGRAD_DIRECTIVES", DIGEST)],
        extra_compile_args=kernel_args if name == "_kernels" else compile_args,
    )
    for name in ("_engine", "_kernels")
]

setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt})

"""Build the Cython core.

Compiler directives live here, once. NDGRAD_DEBUG=1 builds with bounds checking,
wraparound and initialisation checks on, for the debug CI run.
"""
import os

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

DEBUG = os.environ.get("NDGRAD_DEBUG") == "1"

directives = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": not DEBUG,
    "embedsignature": True,
}

# No -march: wheels must run on any CPU of their platform tag, and results must not
# depend on FMA contraction.
compile_args = [] if os.name == "nt" else ["-O2", "-ffp-contract=off"]

extensions = [
    Extension(
        f"ndgrad.{name}",
        [f"ndgrad/{name}.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=compile_args,
    )
    for name in ("_engine", "_kernels")
]

setup(ext_modules=cythonize(extensions, compiler_directives=directives))

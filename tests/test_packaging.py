"""The distribution: what the sdist and the wheel hold, the version, the typing.

The sdist is built here from the source tree in about a second (building it compiles
nothing). The wheel is checked when .ci/run passes its path in NDGRAD_WHEEL; .ci/run
also passes the sdist it built in NDGRAD_SDIST, and runs this file against the
installed wheel, where the installed files are checked too. The mypy checks run
where mypy is installed (.ci/run installs it). See docs/packaging.md.
"""
import importlib.metadata
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

import pytest

import ndgrad

TESTS = pathlib.Path(__file__).resolve().parent
ROOT = TESTS.parent
PACKAGE = pathlib.Path(ndgrad.__file__).resolve().parent
SOURCE_TREE = PACKAGE == ROOT / "ndgrad" and (ROOT / "setup.py").is_file()
VERSION = ndgrad.__version__
COMPILED = ("_engine", "_kernels")          # each has a .pyx and a .pyi stub
EXTENSION = re.compile(r"ndgrad/(\w+)\.[\w.-]+\.(so|pyd)$")  # ndgrad/_engine.cpython-...so
FORBIDDEN = re.compile(r"(\.c|\.so|\.pyd|\.py[cod]|/__pycache__/.*|\.egg-info/.*)$")


def _package_files(*patterns):
    """ndgrad's files matching ``patterns``, relative to the directory above ndgrad/."""
    return {p.relative_to(PACKAGE.parent).as_posix()
            for pattern in patterns for p in PACKAGE.rglob(pattern)
            if "__pycache__" not in p.parts}


# What the imported ndgrad is made of, whether it is the source tree or installed.
MODULES = _package_files("*.py", "*.pxd", "*.pyi", "py.typed")
# Modules with a .pyi stub: ndgrad/nd/__init__.pyi -> ndgrad.nd.
STUBBED = sorted(f[:-len(".pyi")].replace("/", ".").removesuffix(".__init__")
                 for f in MODULES if f.endswith(".pyi"))
# The public API's modules: each has a stub typing it (checked by stubtest below).
PUBLIC = ("autograd", "ndarray", "context", "function", "functional", "anomaly", "graph",
          "random", "nd", "nd.io", "nd.random", "numpy", "numpy._ndarray", "numpy.random",
          "numpy_extension")


def _run_mypy(*args, cwd):
    pytest.importorskip("mypy", reason="mypy is not installed (.ci/run installs it)")
    # The child sees the same ndgrad as this process, wherever it comes from.
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    if os.environ.get("NDGRAD_SDIST"):
        return pathlib.Path(os.environ["NDGRAD_SDIST"])
    if not SOURCE_TREE:
        pytest.skip("no source tree beside these tests and NDGRAD_SDIST is unset")
    # A copy, so that the build's egg-info never lands in a tree others are using.
    src = tmp_path_factory.mktemp("src") / "ndgrad-src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", ".hypothesis", ".*cache",
        ".benchmarks", "__pycache__", "*.so", "*.pyd", "*.c"))
    out = tmp_path_factory.mktemp("sdist")
    code = "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=src,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*.tar.gz")
    return path


@pytest.fixture(scope="module")
def wheel():
    if not os.environ.get("NDGRAD_WHEEL"):
        pytest.skip("NDGRAD_WHEEL is unset (.ci/run builds a wheel and sets it)")
    return pathlib.Path(os.environ["NDGRAD_WHEEL"])


def test_version_is_single_sourced():
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", VERSION)
    try:
        installed = importlib.metadata.version("ndgrad")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("ndgrad is imported from a path, not installed")
    assert installed == VERSION


def test_compiled_modules_each_have_a_stub():
    if SOURCE_TREE:
        assert {p.stem for p in PACKAGE.glob("*.pyx")} == set(COMPILED)
    for name in COMPILED:
        assert f"ndgrad/{name}.pyi" in MODULES


def test_public_api_modules_each_have_a_stub():
    # Here, in the sdist and in the wheel (their file lists are MODULES, tested below).
    assert set(STUBBED) >= {f"ndgrad.{name}" for name in COMPILED + PUBLIC}


def test_sdist_holds_sources_tests_and_docs_but_no_generated_files(sdist):
    top = f"ndgrad-{VERSION}/"
    with tarfile.open(sdist) as tar:
        names = [m.name for m in tar.getmembers() if m.isfile()]
        changelog = tar.extractfile(top + "CHANGELOG.md").read().decode()
        pkg_info = tar.extractfile(top + "PKG-INFO").read().decode()
    assert all(n.startswith(top) for n in names)
    files = {n[len(top):] for n in names}
    assert not [f for f in files if FORBIDDEN.search(f) and not f.startswith("ndgrad.egg-info/")]
    assert {f.split("/")[0] for f in files} == {
        "PKG-INFO", "LICENSE", "MANIFEST.in", "README.md", "CHANGELOG.md", "pyproject.toml",
        "setup.py", "setup.cfg", "ndgrad", "ndgrad.egg-info", "tests", "docs"}
    sources = {f"ndgrad/{name}.pyx" for name in COMPILED}
    assert {f for f in files if f.startswith("ndgrad/")} == MODULES | sources
    tests = {p.relative_to(ROOT).as_posix() for p in TESTS.rglob("*")
             if p.is_file() and not FORBIDDEN.search(p.as_posix())}
    assert tests <= files
    assert f"## {VERSION}" in changelog
    for field in (f"Version: {VERSION}", "License-Expression: Apache-2.0",
                  "Requires-Python: >=3.10", "Requires-Dist: numpy>=1.23"):
        assert field + "\n" in pkg_info


def test_wheel_holds_the_package_compiled_with_stubs_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as zf:
        files = {n for n in zf.namelist() if not n.endswith("/")}  # not directories
        wheel_info = zf.read(f"ndgrad-{VERSION}.dist-info/WHEEL").decode()
        metadata = zf.read(f"ndgrad-{VERSION}.dist-info/METADATA").decode()
    info = f"ndgrad-{VERSION}.dist-info/"
    assert {info + f for f in ("METADATA", "WHEEL", "RECORD", "licenses/LICENSE")} <= files
    assert {f for f in files if f.startswith(info)} <= {
        info + f for f in ("METADATA", "WHEEL", "RECORD", "licenses/LICENSE",
                           "top_level.txt", "entry_points.txt")}
    package = {f for f in files if f.startswith("ndgrad/")}
    assert sorted(EXTENSION.match(f).group(1) for f in package if EXTENSION.match(f)) \
        == sorted(COMPILED)
    assert {f for f in package if not EXTENSION.match(f)} == MODULES
    assert files == package | {f for f in files if f.startswith(info)}
    assert "Root-Is-Purelib: false" in wheel_info
    assert re.search(r"^Tag: cp3\d+-cp3\d+-\w+$", wheel_info, re.M)
    assert f"Version: {VERSION}\n" in metadata


def test_installed_files_are_the_wheel_layout():
    dist_files = _installed_files()
    assert {f for f in dist_files if f.startswith("ndgrad/") and not EXTENSION.match(f)
            and not f.endswith(".pyc")} == MODULES
    assert sorted(EXTENSION.match(f).group(1) for f in dist_files if EXTENSION.match(f)) \
        == sorted(COMPILED)
    site = {pathlib.Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
    assert PACKAGE.parent in site, f"ndgrad imported from {PACKAGE}, not site-packages"


def _installed_files():
    # An editable install imports the source tree (its metadata may even be the
    # tree's own egg-info): there is no installed layout to check.
    if SOURCE_TREE:
        pytest.skip("ndgrad is imported from the source tree")
    try:
        dist = importlib.metadata.distribution("ndgrad")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("ndgrad is imported from a path, not installed")
    return {f.as_posix() for f in dist.files}


def test_every_generated_namespace_has_a_stub():
    # populate() fills these modules at import; without a stub typing their names as
    # Any, mypy would report every op used from them as missing.
    generated = {name for name, module in sys.modules.items()
                 if name.startswith("ndgrad.") and any(
                     getattr(getattr(v, "__code__", None), "co_filename", "")
                     .endswith("_namespace.py") for v in vars(module).values())}
    generated.discard("ndgrad._namespace")
    assert generated >= {"ndgrad.nd", "ndgrad.numpy", "ndgrad.numpy_extension"}
    for name in generated:
        path = name.replace(".", "/")
        assert {f"{path}.pyi", f"{path}/__init__.pyi"} & MODULES, name


def _is_partial(module):
    """A stub of a registry-generated namespace: a few functions typed, the rest Any
    (a module-level __getattr__)."""
    path = PACKAGE.parent / module.replace(".", "/")
    stub = path / "__init__.pyi" if path.is_dir() else path.with_suffix(".pyi")
    return "\ndef __getattr__(" in stub.read_text()


def test_stubs_match_the_modules(tmp_path):
    # Every stub against its module: signatures, and no public name missing (a new
    # public function, method or class needs its line in the stub). The generated
    # namespaces' stubs type only some names: for them only what they type is checked.
    allowlist = ("--allowlist", str(TESTS / "stubtest_allowlist.txt"))
    complete = [m for m in STUBBED if not _is_partial(m)]
    partial = [m for m in STUBBED if _is_partial(m)]
    roots = [m for m in partial if not any(m.startswith(p + ".") for p in partial)]
    assert "ndgrad.autograd" in complete and "ndgrad.nd" in roots, STUBBED
    for args in ([*allowlist, *complete],
                 ["--ignore-missing-stub", "--ignore-unused-allowlist", *allowlist,
                  *roots]):  # stubtest checks the roots' submodules too
        result = _run_mypy("mypy.stubtest", "--ignore-disjoint-bases", *args, cwd=tmp_path)
        assert result.returncode == 0, (
            "a stub is out of step with its module: update the .pyi beside it (see "
            "docs/packaging.md, Typing)\n" + result.stdout + result.stderr)


def test_typed_example_passes_mypy_strict_and_runs(tmp_path):
    # --strict includes --warn-unused-ignores: the example's lines that mypy must reject
    # carry ignore comments, unused (an error) if a stub typed them as Any.
    example = TESTS / "typing_example.py"
    result = _run_mypy("mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
                       str(example), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    run = subprocess.run([sys.executable, str(example)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.stdout == "[2.0, 4.0] 12.0 12.0 (3, 2) AutogradError\n", run.stderr


def test_mypy_reads_ndgrads_types(tmp_path):
    # Were py.typed or a stub missing, these would be Any: no error.
    (tmp_path / "wrong.py").write_text(
        "import ndgrad\nfrom ndgrad import autograd, nd\n\n"
        'a: int = ndgrad.AutogradError("x")\n'
        "b: int = nd.zeros((2,)).detach()\n"
        "c: int = autograd.grad(nd.ones((1,)), [nd.ones((1,))])\n")
    result = _run_mypy("mypy", "--cache-dir", str(tmp_path / "cache"), "wrong.py",
                       cwd=tmp_path)
    for line, found in ((4, "AutogradError"), (5, "NDArray"), (6, "list[NDArray]")):
        assert f'wrong.py:{line}: error: Incompatible types in assignment (expression has ' \
               f'type "{found}", variable has type "int")' in result.stdout, result.stdout

"""Every function of the namespaces documents itself with an example, and every example
runs and shows what ndgrad prints (which is what MXNet 1.9.1 prints).

Examples are doctests. An nd example may show an array the way ``print`` shows it
(``[2. 3.]``) or its full repr (with ``<NDArray 2 @cpu(0)>``); both are accepted. The
examples run with ``nd``, ``np``, ``npx``, ``autograd``, ``mx`` and ``ndgrad`` defined and
the random generator seeded, so that they are reproducible."""
import doctest
import re

import pytest

import ndgrad
from ndgrad import autograd, nd, np, npx

_NDARRAY_REPR = re.compile(r"\A\n(?P<body>.*)\n<NDArray [^\n]* @cpu\(0\)>\n\Z", re.S)


class PrintedChecker(doctest.OutputChecker):
    """doctest's checker, also accepting an NDArray's printed form (its repr without
    the blank first line and the ``<NDArray shape @cpu(0)>`` footer)."""

    def check_output(self, want, got, optionflags):
        if super().check_output(want, got, optionflags):
            return True
        shown = _NDARRAY_REPR.match(got)
        return bool(shown) and super().check_output(want, shown["body"] + "\n",
                                                    optionflags)


NAMESPACES = {"nd": nd, "nd.random": nd.random, "nd.linalg": nd.linalg,
              "np": np, "np.random": np.random, "np.linalg": np.linalg, "npx": npx}


def _functions(prefix):
    module = NAMESPACES[prefix]
    return [(f"{prefix}.{name}", getattr(module, name))
            for name in sorted(getattr(module, "__all__", ()))
            if callable(getattr(module, name))]


ND = [f for p in ("nd", "nd.random", "nd.linalg") for f in _functions(p)]
NP = [f for p in ("np", "np.random", "np.linalg", "npx") for f in _functions(p)]


def run_examples(name, fn):
    """Run the ``>>>`` examples of ``fn``'s docstring; return doctest's report of the
    failures ('' if all pass)."""
    globs = {"nd": nd, "np": np, "npx": npx, "autograd": autograd, "mx": ndgrad,
             "ndgrad": ndgrad}
    test = doctest.DocTestParser().get_doctest(fn.__doc__ or "", globs, name, None, 0)
    report = []
    runner = doctest.DocTestRunner(checker=PrintedChecker(), verbose=False,
                                   optionflags=doctest.ELLIPSIS)
    ndgrad.random.seed(0)
    state = ndgrad.npx.is_np_array() if hasattr(ndgrad.npx, "is_np_array") else None
    try:
        runner.run(test, out=report.append)
    finally:
        if state is False and ndgrad.npx.is_np_array():
            ndgrad.npx.reset_np()
    return "".join(report), len(test.examples)


@pytest.mark.parametrize("name,fn", ND, ids=[n for n, _ in ND])
def test_nd_function_has_an_example_that_prints_what_it_shows(name, fn):
    report, count = run_examples(name, fn)
    assert count, f"{name} has no '>>>' example in its docstring"
    assert not report, report


@pytest.mark.parametrize("name,fn", NP, ids=[n for n, _ in NP])
def test_np_function_has_an_example_that_prints_what_it_shows(name, fn):
    report, count = run_examples(name, fn)
    assert count, f"{name} has no '>>>' example in its docstring"
    assert not report, report


def test_the_checker_accepts_printed_and_repr_forms_only():
    checker = PrintedChecker()
    got = repr(nd.array([2, 3])) + "\n"  # as doctest sees it
    assert checker.check_output("[2. 3.]\n", got, 0)
    assert checker.check_output(got, got, 0)
    assert not checker.check_output("[2. 4.]\n", got, 0)
    assert not checker.check_output("[2. 3.]\n", "[2. 3.]\n<NDArray 2 @cpu(0)>\n", 0)

    def documented():
        """
        >>> nd.add(nd.array([1, 2]), 1)
        [2. 3.]
        >>> nd.add(nd.array([1, 2]), 1)
        [9. 9.]
        """
    report, count = run_examples("documented", documented)
    assert count == 2 and "[9. 9.]" in report and "Got:" in report

"""The seed notebooks (../shared/seeds, transcribed in tests/seeds) run with ``mxnet``
replaced by ``ndgrad`` in their imports and print what MXNet 1.9.1 printed.

``seedNNN.mxnet.out`` is the output of the same script under MXNet 1.9.1 (numpy
1.23.5). Lines showing values drawn at random cannot match; they must match in form
(brackets, count of numbers, the NDArray footer) with numbers and padding masked.
"""
import os
import pathlib
import re
import subprocess
import sys

import pytest

import ndgrad

SEEDS = pathlib.Path(__file__).parent / "seeds"
# 1-based line numbers of each expected output that show random values. 000's line 16
# is `a.grad == c / a` for a drawn at random: the gradient is exact (100 * 2**k), the
# float32 quotient is not always, so it prints [0.] for about 6% of draws (MXNet too).
RANDOM_LINES = {"000": {16}, "001": {10}, "002": {2, 3, 4, 5, 15, 16, 17, 18, 23, 26, 29},
                "003": {20, 21}}
NUMBER = re.compile(r"-?\d+(\.\d*)?(e[+-]?\d+)?")


def _masked(line):
    # Padding depends on the values too, so spaces are dropped along with the digits.
    return "".join(NUMBER.sub("N", line).split())


def _run(name, cwd):
    code = (SEEDS / f"seed{name}.py").read_text().replace("mxnet", "ndgrad")
    # The child imports the same ndgrad as this process, wherever it is installed.
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(ndgrad.__file__).parents[1])}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


@pytest.mark.parametrize("name", sorted(RANDOM_LINES))
def test_seed_prints_what_mxnet_printed(name, tmp_path):
    result = _run(name, tmp_path)  # outside the source tree: the installed ndgrad
    assert result.returncode == 0, result.stderr
    expected = (SEEDS / f"seed{name}.mxnet.out").read_text().split("\n")
    got = result.stdout.split("\n")
    assert len(got) == len(expected), result.stdout
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        if number in RANDOM_LINES[name]:
            assert _masked(have) == _masked(want), f"line {number}: {have!r}"
        else:
            assert have == want, f"line {number}"
    err = SEEDS / f"seed{name}.mxnet.err"
    assert result.stderr == (err.read_text() if err.exists() else "")

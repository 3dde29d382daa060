"""Shared helpers of the faverify tests (run by ctest, label python; see python/CMakeLists.txt).

The environment ctest sets: PYTHONPATH (build/python), FA_CHECK and FA_CLAIMS (the binaries the
module must agree with), FA_SOURCE_DIR. Run by hand:
  PYTHONPATH=build/python FA_CHECK=build/fa-check FA_CLAIMS=build/fa-claims \
    /usr/bin/python3 -m pytest -q python/tests
"""

import csv
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import faverify


def tied(argv):
    """argv run through util-linux's setpriv so that the kernel kills it when this test process
    dies, however it dies (PR_SET_PDEATHSIG): no child of a killed pytest lives on."""
    return ["setpriv", "--pdeathsig", "KILL", "--", *map(str, argv)]


def _tool(name):
    path = os.environ.get(name)
    if not path or not Path(path).exists():
        pytest.fail(f"{name} is not set to a built binary (ctest sets it; see conftest.py)")
    return path


@pytest.fixture(scope="session")
def fa_check():
    """Runs `fa-check ARGS...`; returns (exit code, stdout, stderr)."""
    exe = _tool("FA_CHECK")

    def run(*args, cwd=None):
        p = subprocess.run(tied([exe, *args]), capture_output=True, text=True, cwd=cwd,
                           timeout=300)
        return p.returncode, p.stdout, p.stderr

    return run


@pytest.fixture(scope="session")
def fa_claims():
    exe = _tool("FA_CLAIMS")

    def run(*args, env=None):
        p = subprocess.run(tied([exe, *args]), capture_output=True, text=True, timeout=300,
                           env={**os.environ, **(env or {})})
        return p.returncode, p.stdout, p.stderr

    return run


def read_trace(path):
    """fa-check's trace.csv as a dict of columns (floats parsed from 17 significant digits,
    which round-trip: equal floats mean identical doubles)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


def read_summary(path):
    with open(path) as f:
        return json.load(f)


def read_text_matrix(path):
    """A CSV of full-precision decimal text (fa-check's MPFR outputs), as strings."""
    with open(path) as f:
        return np.array([line.strip().split(",") for line in f if line.strip()], dtype="U")


def identical(a, b):
    """Same shape and the same doubles, bit for bit (NaN equal to NaN)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.ascontiguousarray(a).tobytes() == \
        np.ascontiguousarray(b).tobytes()


@pytest.fixture
def faverify_module():
    return faverify

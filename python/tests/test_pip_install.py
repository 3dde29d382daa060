"""`pip install .` into a `python3 -m venv --system-site-packages` venv, offline
(--no-build-isolation --no-index), from Debian's packages only; then the user-claim examples run
against the installed package (not the build tree: PYTHONPATH and FA_CLAIMS are unset).

Kept cheap: setup.py builds with CMake in FA_BUILD_DIR, the tree ctest runs in, whose targets are
already built (the extension is reused, and ninja finds nothing to do); the venv uses Debian's pip
(--without-pip); the examples run through `python3 -m faverify check` with 10 cases per scalar and
without their falsifiers (ctest runs them in full from the build tree)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("FA_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def test_pip_install_into_a_venv_and_run_the_examples(tmp_path):
    build = os.environ.get("FA_BUILD_DIR")
    if not build:
        pytest.fail("FA_BUILD_DIR is not set (ctest sets it to the build tree)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    venv], check=True, timeout=120)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "FA_CLAIMS", "FA_CHECK")}
    env["FA_BUILD_DIR"] = build
    p = subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                        "--no-deps", "--no-cache-dir", str(SOURCE)], capture_output=True,
                       text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    where = subprocess.run([py, "-c", "import faverify, faverify.user; print(faverify.__file__);"
                            "print(faverify._fa_claims())"], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=60)
    assert where.returncode == 0, where.stderr
    module, claims_exe = where.stdout.split()
    assert module.startswith(str(venv)) and claims_exe.startswith(str(venv))
    env["FA_REPORT_DIR"] = str(tmp_path / "report")
    for example in ["user_r2_refuted.py", "user_a4_holds.py", "user_own_data.py"]:
        run = subprocess.run([py, "-m", "faverify", "check",
                              SOURCE / "python" / "examples" / example, "--cases", "10",
                              "--no-falsifiers"],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert run.returncode == 0, example + "\n" + run.stdout + run.stderr
    assert len(list((tmp_path / "report" / "parts").glob("U*.json"))) == 6

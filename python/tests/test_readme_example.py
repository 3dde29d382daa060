"""The README's five-line example runs as printed (README "Python module: faverify")."""

import contextlib
import io
import os
import re

import numpy as np


def test_the_readme_example_runs():
    with open(os.path.join(os.environ["FA_SOURCE_DIR"], "README.md")) as f:
        readme = f.read()
    section = readme[readme.index("## Python module: faverify"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out, names = io.StringIO(), {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), names)
    lines = out.getvalue().splitlines()
    status, err, opt_r = lines[0].rsplit(" ", 2)
    assert status == "budget exhausted" and float(err) > float(opt_r)  # r < rank: above opt_r
    # FA sits at its limit err*, within claim A4's tolerance for a converged error:
    # 2^8 eps ||Y||_F^2 / (eta sigma_1(Y)) (checks/claim_helpers.hpp, limit_error_tolerance).
    Y, res, faverify = names["Y"], names["res"], names["faverify"]
    tol = 2**8 * np.finfo(float).eps * np.sum(Y**2) / (res.eta * np.linalg.norm(Y, 2))
    assert lines[1].startswith("separation proved: err* - opt_r >= gap")
    cert = faverify.certify(Y, res.B)
    assert abs(float(cert.err_star["decimal"]) - float(err)) <= tol
    assert lines[2] == "verified"

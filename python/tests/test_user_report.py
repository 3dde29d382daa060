"""A user claim's report parts are read by `fa-report write` beside ours: claims.json (valid
against reports/claims.schema.json, source user, strength tested), claims.md and index.html; a
user claim without a falsifier that flips is flagged there."""

import json
import os
import subprocess

import pytest

from conftest import tied
from faverify import user
from faverify.strategies import recipes


def fa_report(*args, report_dir):
    exe = os.environ.get("FA_REPORT")
    if not exe:
        pytest.fail("FA_REPORT is not set to the built fa-report (ctest sets it)")
    p = subprocess.run(tied([exe, *map(str, args)]), capture_output=True, text=True, timeout=300,
                       env={**os.environ, "FA_REPORT_DIR": str(report_dir)})
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def test_user_claims_are_reported_beside_ours(tmp_path, fa_claims):
    report = tmp_path / "report"

    @user.claim("U97", statement="k <= min(n, m)", given=recipes(n=(1, 4)), cases=20,
                scalars=("double", "mp"), bits=64, mp_cases=3,
                falsifiers={"k<n": "false variant: k < n"})
    def rank_fits(check, recipe):
        bound = recipe.n - 1 if check.falsifier == "k<n" else min(recipe.n, recipe.m)
        check.require_le("k", recipe.k, bound)

    @user.claim("U98", statement="n * m <= 4", given=recipes(n=(1, 4)), cases=50,
                expected="refuted")
    def small(check, recipe):  # refuted, as expected; no falsifier: flagged
        check.require_le("n m", recipe.n * recipe.m, 4)

    assert rank_fits.check(report_dir=report).as_expected
    small.check(report_dir=report)
    rc, out, err = fa_claims("run", "X1", "--scalar", "double", "--cases", "3",
                             env={"FA_REPORT_DIR": str(report)})
    assert rc == 0, out + err
    fa_report("write", report_dir=report)
    fa_report("validate", report / "claims.json", report_dir=report)
    claims = json.loads((report / "claims.json").read_text())
    rows = {(c["id"], c["scalar"]): c for c in claims["claims"]}
    assert ("X1", "double") in rows  # ours, beside
    for key in [("U97", "double"), ("U97", "mp"), ("U98", "double")]:
        assert rows[key]["source"] == "user" and rows[key]["strength"] == "tested", key
    assert rows[("U97", "mp")]["precision_bits"] == 64
    assert rows[("U98", "double")]["verdict"] == "refuted"
    assert rows[("U98", "double")]["counterexample"]["matrices"]["Y"]
    summary = {r["id"]: r for r in claims["summary"]}
    assert summary["U97"]["as_expected"] and summary["U98"]["as_expected"]
    md = (report / "claims.md").read_text()
    html = (report / "index.html").read_text()
    assert "U97" in md and "A user's claim, stated in Python" in md
    u98 = md[md.index("### U98"):]
    assert "**UNCHECKED**" in u98 and "**UNCHECKED**" not in md[md.index("### U97"):
                                                                md.index("### U98")]
    assert "UNCHECKED:" in html and "U98" in html

"""faverify's claims are fa-claims' (the module runs that executable): the same list, and a run
gives the fragment `fa-claims run` writes to report/parts/ (verdict, seed, cases, worst margin,
minimal counterexample), with or without the report."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

import faverify
from conftest import tied

# Wall-clock time differs by nature.
VARYING = {"seconds"}


def fa_claims_fragment(fa_claims, tmp_path, claim, scalar, *extra):
    rc, stdout, stderr = fa_claims("run", claim, "--scalar", scalar, *extra,
                                   env={"FA_REPORT_DIR": str(tmp_path)})
    with open(tmp_path / "parts" / f"{claim}.{scalar}.json") as f:
        return rc, stdout, json.load(f)


def test_the_list_is_fa_claims_list(fa_claims):
    rc, stdout, _ = fa_claims("list")
    assert rc == 0
    ids = [line.split("\t")[0] for line in stdout.splitlines() if not line.startswith(" ")]
    listed = faverify.claims()
    assert [c.id for c in listed] == ids and len(ids) >= 20
    a4 = next(c for c in listed if c.id == "A4")
    assert a4.source == "paper-abstract" and a4.expected == "holds"
    assert {"double", "mp"} <= set(a4.scalars)
    assert any(f["name"] == "claims-optimal" for f in a4.falsifiers)
    assert next(c for c in listed if c.id == "R3").expected == "refuted"


@pytest.mark.parametrize("claim, scalar", [("X1", "double"), ("A4", "double"), ("X1", "exact"),
                                           ("R3", "double"), ("R1", "double")])
def test_a_run_is_fa_claims_run(fa_claims, tmp_path, claim, scalar):
    rc, stdout, fragment = fa_claims_fragment(fa_claims, tmp_path, claim, scalar)
    res = faverify.run_claim(claim, scalar=scalar)
    for key in fragment.keys() - VARYING:
        assert res[key] == fragment[key], key
    assert res.as_expected == (rc == 0)
    # The printed verdict is fa-claims' text, apart from the time.
    assert re.sub(r" in \S+ s", "", res.text) == re.sub(r" in \S+ s", "", stdout)


def test_a_refuted_conjecture_comes_with_its_minimal_counterexample():
    res = faverify.run_claim("R3")
    assert res.verdict == "refuted" and res.as_expected and res.expected == "refuted"
    cx = res.counterexample
    assert cx["claim"] == "R3" and "Y" in cx["matrices"] and cx["recipe"].startswith("{n=")
    # reproduce_python replays the shrunk case exactly.
    again = eval(res.reproduce_python, {"faverify": faverify})
    assert again.verdict == "refuted" and again.counterexample == cx


def test_a_falsifier_flips_the_verdict():
    res = faverify.run_claim("A4", falsifier="claims-optimal")
    assert res.verdict == "refuted" and res.as_expected


def test_seed_and_cases_are_respected(fa_claims, tmp_path):
    rc, _, fragment = fa_claims_fragment(fa_claims, tmp_path, "X5", "double", "--seed", 42,
                                         "--cases", 17)
    res = faverify.run_claim("X5", seed=42, cases=17)
    assert res.seed == fragment["seed"] == "42" and res.cases == fragment["cases"] == 17
    assert res.worst_margin == fragment["worst_margin"]


def test_the_precision_ladder_is_fa_claims_ladder(fa_claims, tmp_path):
    fa_claims("ladder", "X1", env={"FA_REPORT_DIR": str(tmp_path)})
    with open(tmp_path / "parts" / "X1.ladder.json") as f:
        fragment = json.load(f)
    res = faverify.ladder("X1")
    for key in fragment:
        assert res[key] == fragment[key], key
    assert res.verdict == "verified" and 0.8 <= res.slope <= 1.2
    falsifier = next(c for c in faverify.claims() if c.id == "X1").falsifiers[0]["name"]
    flipped = faverify.ladder("X1", falsifier=falsifier)
    # A false variant of the identity: its residual does not fall with eps (slope ~0).
    assert flipped.verdict == "refuted" and flipped.as_expected


def test_ctrl_c_stops_a_claim_run():
    # A deep run (FA_DEPTH multiplies the cases) that takes minutes; Ctrl-C ends it at once.
    script = textwrap.dedent("""
        import faverify
        print("started", flush=True)
        try:
            faverify.run_claim("A1", scalar="mp", cases=100000)
            print("finished?!", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        print("usable", faverify.run_claim("X5", cases=5).verdict, flush=True)
    """)
    p = subprocess.Popen(tied([sys.executable, "-c", script]), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=os.environ)
    try:
        assert p.stdout.readline().strip() == "started"
        threading.Event().wait(1.0)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)  # a hang detector, not a timing test
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert out.split("\n")[:2] == ["interrupted", "usable verified"], out + err

#!/usr/bin/env bash
# fa-map run --jobs N gives the map of a single-threaded run (issue 23): the reduced map with
# --jobs 1 and with --jobs 2, each regimes.json with its "seconds" fields removed (the only
# fields that may differ: wall time per cell), compared byte for byte. The comparison is shown
# to fail: one cell's number changed by one unit in the last place must be seen.
# Usage: jobs.sh FA_MAP WORKDIR
set -euo pipefail
fa_map=$1 work=$2
# Every process runs tied to its parent: killed with it, however it is killed (issue 24).
source "$(dirname "$0")/../../scripts/lib/processes.sh"
rm -rf "$work" && mkdir -p "$work"
tied "$fa_map" --dir "$work/one" run --reduced --jobs 1 > "$work/one.out"
tied "$fa_map" --dir "$work/two" run --reduced --jobs 2 > "$work/two.out"
tied /usr/bin/python3 - "$work" <<'PY'
import json, math, sys
work = sys.argv[1]

def strip(j):
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if k != "seconds"}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j

def text(path):
    return json.dumps(strip(json.load(open(path))), indent=1).encode()

one, two = text(f"{work}/one/regimes.json"), text(f"{work}/two/regimes.json")
cells = sum(len(g["cells"]) for g in json.loads(one)["grids"].values())
if cells == 0:
    sys.exit("FAIL: the reduced map has no cells")
if one != two:
    a, b = one.splitlines(), two.splitlines()
    line = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y) if a != b else 0
    sys.exit(f"FAIL: --jobs 2 differs from --jobs 1 at line {line + 1}:\n  {a[line]!r}\n  {b[line]!r}")

# The comparison can fail: the first non-integer number of a cell's result moved by one ulp.
doc = strip(json.load(open(f"{work}/two/regimes.json")))
def bump(j):
    if isinstance(j, dict):
        return any(bump_at(j, k) for k in j)
    if isinstance(j, list):
        return any(bump_at(j, i) for i in range(len(j)))
    return False
def bump_at(c, k):
    v = c[k]
    if isinstance(v, float) and math.isfinite(v) and v != int(v):
        c[k] = math.nextafter(v, math.inf)
        return True
    return bump(v)
if not bump(next(iter(doc["grids"].values()))["cells"][0]["result"]):
    sys.exit("FAIL: no number to perturb in the first cell (the check's falsifier cannot run)")
if json.dumps(doc, indent=1).encode() == one:
    sys.exit("FAIL: a result one ulp off compared equal (the check cannot fail)")
print(f"OK: {cells} cells, --jobs 1 and --jobs 2 byte-identical apart from the seconds fields; "
      "a one-ulp change is detected")
PY

#!/usr/bin/env bash
# Every regime-map cell is reproducible by the command it prints (issue 11): runs two grids of
# the reduced map, runs the printed `fa-check run ... --replicates N` command of every cell, and
# checks that its numbers are exactly the cell's (the same code, regimes/cell.cpp, the same
# seeds). Also checks that the check can fail: a command with a different seed must not match.
# Usage: reproduce.sh FA_MAP WORKDIR
set -euo pipefail
fa_map=$1 work=$2
# Every process runs tied to its parent: killed with it, however it is killed (issue 24).
source "$(dirname "$0")/../../scripts/lib/processes.sh"
rm -rf "$work" && mkdir -p "$work"
tied "$fa_map" --dir "$work" run --reduced --grid stability alignment depth > "$work/map.out"
tied /usr/bin/env python3 - "$work" <<'PY'
import json, subprocess, sys, shlex
work = sys.argv[1]
TIED = ["setpriv", "--pdeathsig", "KILL", "--"]
regimes = json.load(open(f"{work}/regimes.json"))
checked = 0
for grid, g in regimes["grids"].items():
    for cell in g["cells"]:
        out = f"{work}/cell-{grid}-{cell['index']}"
        cmd = shlex.split(cell["command"]) + ["--out", out]
        subprocess.run(TIED + cmd, check=True, stdout=subprocess.DEVNULL)
        got = json.load(open(f"{out}/cell.json"))
        if got != cell["result"]:
            sys.exit(f"FAIL: {grid}/{cell['index']}: the printed command gives other numbers\n  {cell['command']}")
        checked += 1
# The comparison can fail: the first cell's command with another seed.
cell = next(iter(regimes["grids"].values()))["cells"][0]
cmd = shlex.split(cell["command"])
cmd[cmd.index("--seed") + 1] = str(int(cmd[cmd.index("--seed") + 1]) + 1)
subprocess.run(TIED + cmd + ["--out", f"{work}/other-seed"], check=True, stdout=subprocess.DEVNULL)
if json.load(open(f"{work}/other-seed/cell.json")) == cell["result"]:
    sys.exit("FAIL: a different seed reproduced the same numbers (the check cannot fail)")
print(f"OK: {checked} cells reproduced exactly by their printed fa-check commands")
PY

"""fa-bench's choice of OpenBLAS kernels for the peers (bench/peers.py, issue 23): when
OpenBLAS's own choice is a generic fallback on a CPU with AVX2 or AVX-512, the peers run again
with the best kernel the CPU supports; otherwise the default rows are the tuned ones. The CPU
and OpenBLAS's choice are given on the command line, so no test sets OPENBLAS_CORETYPE."""
import json
import os
import subprocess
import sys

import pytest

PEERS = os.path.join(os.path.dirname(__file__), "..", "peers.py")
AVX512 = "sse3 avx fma avx2 avx512f avx512bw avx512vl avx512dq avx512cd"


def choice(architecture, flags):
    out = subprocess.run([sys.executable, PEERS, "kernels", "--architecture", architecture,
                          "--cpu-flags", flags], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("architecture, flags, tuned", [
    ("Prescott", AVX512, "SkylakeX"),                    # the machine
    ("Prescott", AVX512 + " avx512_bf16", "Cooperlake"),
    ("Haswell", AVX512, "SkylakeX"),                     # AVX2 kernels on an AVX-512 CPU
    ("Sandybridge", "sse3 avx fma avx2", "Haswell"),     # AVX without FMA on an AVX2 CPU
    ("Prescott", "sse3 avx fma avx2", "Haswell"),
])
def test_generic_fallback_is_tuned(architecture, flags, tuned):
    c = choice(architecture, flags)
    assert c["generic_fallback"] is True
    assert c["tuned_coretype"] == tuned


@pytest.mark.parametrize("architecture, flags", [
    ("SkylakeX", AVX512),                   # this machine: already the widest kernels
    ("Cooperlake", AVX512 + " avx512_bf16"),
    ("Haswell", "sse3 avx fma avx2"),
    ("Zen", "sse3 avx fma avx2"),
    ("Prescott", "sse3"),                   # nothing better to force
])
def test_no_tuning_when_the_choice_is_the_best(architecture, flags):
    c = choice(architecture, flags)
    assert c["generic_fallback"] is False
    assert c["tuned_coretype"] is None

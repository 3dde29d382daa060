"""`cmake --install` puts the package where Debian's python3 finds it, and the installed package
works on its own (its own fa-claims in faverify/bin, nothing from the build tree)."""

import os
import subprocess
import sys
import textwrap


def test_install_into_a_prefix_and_import_from_it(tmp_path):
    build, cmake = os.environ["FA_BUILD_DIR"], os.environ.get("FA_CMAKE", "cmake")
    subprocess.run([cmake, "--install", build, "--prefix", str(tmp_path)], check=True,
                   capture_output=True)
    site = tmp_path / "lib" / f"python3.{sys.version_info.minor}" / "dist-packages"
    assert (site / "faverify" / "__init__.py").exists()
    assert os.access(site / "faverify" / "bin" / "fa-claims", os.X_OK)
    # With the default prefix /usr/local this directory is on Debian's python3 path.
    default_site = f"/usr/local/lib/python3.{sys.version_info.minor}/dist-packages"
    path = subprocess.run(["/usr/bin/python3", "-c", "import sys; print('\\n'.join(sys.path))"],
                          capture_output=True, text=True, check=True, env={}).stdout.split()
    assert default_site in path
    env = {k: v for k, v in os.environ.items() if k not in ("FA_CLAIMS", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    script = textwrap.dedent("""
        import faverify
        print(faverify.__file__)
        print(faverify.run(n=6, m=5, rank_of_y=2, steps=100).status)
        print(faverify.run_claim("X5", cases=5).verdict)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, cwd=tmp_path, check=True).stdout.split("\n")
    assert out[0] == str(site / "faverify" / "__init__.py")
    assert out[1:3] == ["budget exhausted", "verified"]

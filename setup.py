"""pip install . : the faverify Python package (python/faverify) with its C++ extension.

Offline, from Debian's packages only (python3-setuptools, python3-pybind11, the C++ libraries of
scripts/setup.sh): ``pip install --no-build-isolation .`` (a venv made with
``python3 -m venv --system-site-packages`` sees Debian's numpy, hypothesis and mpmath).

The extension and fa-claims are CMake targets (they link the suite's static libraries, and
Debian's librapidcheck.a cannot go into a shared object, python/CMakeLists.txt says why), so the
build step runs CMake: ``cmake --build $FA_BUILD_DIR --target faverify_core fa-claims`` in an
existing build tree (the README's ``build/`` by default; up to date, that takes a second: the
already-built extension is reused), or configures a new Release tree there first (a full build:
about 5 minutes on 2 cores). setuptools' own files go to <build tree>/pip, not into the sources.
"""

import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(os.environ.get("FA_BUILD_DIR", os.path.join(HERE, "build")))


def version():
    with open(os.path.join(HERE, "CMakeLists.txt")) as f:
        return re.search(r"project\(fa_verify VERSION ([0-9.]+)", f.read()).group(1)


class CMakeBuild(build_ext):
    """Builds faverify_core and fa-claims with CMake and copies them into the package."""

    def build_extension(self, ext):
        if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
            subprocess.check_call(["cmake", "-S", HERE, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release",
                                   f"-DPython3_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", BUILD, "--target", "faverify_core",
                               "fa-claims", "-j", os.environ.get("FA_BUILD_JOBS", "2")])
        built = os.path.join(BUILD, "python", "faverify")
        names = [n for n in os.listdir(built) if n.startswith("_core.") and n.endswith(".so")]
        if len(names) != 1:
            raise RuntimeError(f"{built}: expected one _core extension, found {names}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(built, names[0]), target)
        bin_dir = os.path.join(os.path.dirname(target), "bin")
        os.makedirs(bin_dir, exist_ok=True)
        shutil.copy2(os.path.join(BUILD, "fa-claims"), os.path.join(bin_dir, "fa-claims"))


PIP_DIR = os.path.join(BUILD, "pip")
os.makedirs(PIP_DIR, exist_ok=True)

setup(
    name="faverify",
    version=version(),
    description="fa-verify's feedback-alignment dynamics, claims and user conjectures",
    packages=["faverify"],
    package_dir={"faverify": "python/faverify"},
    ext_modules=[Extension("faverify._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    zip_safe=False,
    options={"build": {"build_base": PIP_DIR}, "egg_info": {"egg_base": PIP_DIR}},
)

"""docs/check_docs.py can fail: each of its checks, run on a temporary copy with one thing broken,
reports it, and passes on the real documentation.

ctest (label docs) runs this with FA_CLAIMS (the fa-claims executable) and FA_PYTHON_DIR (the built
faverify package) in the environment, and pytest's --basetemp in the build tree: nothing is written
into the sources.
"""

import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # importing check_docs must not write docs/__pycache__

DOCS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(DOCS)
sys.path.insert(0, DOCS)

import check_docs  # noqa: E402


def claim_ids():
    return check_docs.registered_claims(os.environ["FA_CLAIMS"])


def copy_docs(tmp_path):
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    return str(target)


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def cut_section(docs, claim_id):
    """Removes claim_id's section from docs/claims.md (from its target to the next target) and
    returns the text removed."""
    path = os.path.join(docs, "claims.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index(f"\n(claim-{claim_id.lower()})=\n") + 1
    end = text.find("\n(claim-", start)
    end = len(text) if end < 0 else end + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:start] + text[end:])
    return text[start:end]


def section_problems(docs):
    problems = check_docs.Problems()
    sections = check_docs.claim_sections(docs, problems)
    check_docs.check_sections(claim_ids(), sections, problems)
    return list(problems)


# ---- claim sections ------------------------------------------------------------------------------


def test_every_registered_claim_has_its_section_in_the_real_docs():
    assert section_problems(DOCS) == []


def test_a_missing_section_is_found(tmp_path):
    docs = copy_docs(tmp_path)
    cut_section(docs, "X5")
    problems = section_problems(docs)
    assert len(problems) == 1 and problems[0].startswith("claim X5 has no section"), problems


def test_a_missing_section_fails_the_whole_check_and_the_site(tmp_path):
    """The command the ctest test runs, on a copy without A1.steps' section: exit status 1, the
    missing section named, and the site fails too (-n: the references to it now dangle)."""
    docs = copy_docs(tmp_path)
    cut_section(docs, "A1.steps")
    p = subprocess.run(
        [sys.executable, os.path.join(DOCS, "check_docs.py"), "check", "--docs", docs,
         "--out", str(tmp_path / "site"), "--fa-claims", os.environ["FA_CLAIMS"],
         "--python-dir", os.environ["FA_PYTHON_DIR"]],
        capture_output=True, text=True)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "check_docs: claim A1.steps has no section" in p.stdout
    assert "the site does not build without warnings" in p.stdout
    assert "claim-a1.steps" in p.stdout  # Sphinx names the dangling label
    # theorems/A1.steps.cpp's pointer now leads nowhere
    assert "theorems/A1.steps.cpp:3: Specification: docs/claims.md#claim-a1.steps: no such" in p.stdout


def test_a_target_apart_from_its_heading_is_found(tmp_path):
    docs = copy_docs(tmp_path)
    edit(os.path.join(docs, "claims.md"), "(claim-x1)=\n## X1:", "(claim-x1)=\n\n## X1:")
    problems = section_problems(docs)
    assert any("target (claim-x1)= is not followed at once by a heading" in p for p in problems)
    assert any(p.startswith("claim X1 has no section") for p in problems)


def test_a_target_that_names_another_claim_is_found(tmp_path):
    docs = copy_docs(tmp_path)
    edit(os.path.join(docs, "claims.md"), "(claim-x2)=\n## X2:", "(claim-x3)=\n## X2:")
    problems = section_problems(docs)
    assert any("introduces the heading of claim X2; expected (claim-x2)=" in p for p in problems)


def test_a_second_section_of_a_claim_is_found(tmp_path):
    docs = copy_docs(tmp_path)
    with open(os.path.join(docs, "claims.md"), "a", encoding="utf-8") as f:
        f.write("\n(claim-x3)=\n## X3: again\n")
    assert any("claim X3 has a second section" in p for p in section_problems(docs))


def test_a_section_of_a_claim_the_suite_does_not_register_is_found(tmp_path):
    docs = copy_docs(tmp_path)
    with open(os.path.join(docs, "claims-planned.md"), "w", encoding="utf-8") as f:
        f.write("# Planned\n\n(claim-dl9)=\n## DL9: not registered\n")
    problems = section_problems(docs)
    assert problems == ["docs/claims-planned.md:3: section of claim DL9, which the suite does not "
                        "register (fa-claims list)"], problems


def test_a_section_on_a_group_page_counts(tmp_path):
    """The convention: docs/claims.md plus group pages docs/claims-<group>.md."""
    docs = copy_docs(tmp_path)
    moved = cut_section(docs, "X7")
    with open(os.path.join(docs, "claims-group.md"), "w", encoding="utf-8") as f:
        f.write("# Group\n\n" + moved)
    assert section_problems(docs) == []
    sections = check_docs.claim_sections(docs, check_docs.Problems())
    assert sections["X7"] == ("docs/claims-group.md", 3)


# ---- pointers from the sources, and references outside the repository ---------------------------


def fake_repository(tmp_path, files):
    """A folder that is not a git checkout, with the real docs and the given files."""
    root = tmp_path / "repo"
    shutil.copytree(DOCS, root / "docs", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return str(root)


def repository_problems(root):
    problems = check_docs.Problems()
    check_docs.check_repository(root, os.path.join(root, "docs"), problems)
    return list(problems)


def test_the_real_repository_points_to_existing_sections_and_nowhere_outside():
    assert repository_problems(ROOT) == []


def test_pointers_are_checked(tmp_path):
    root = fake_repository(tmp_path, {
        "theorems/X1.cpp": "// X1 ...\n// Specification: docs/claims.md#claim-x1\n",
        "theorems/X2.cpp": "// X2 ...\n// Specification: docs/claims.md#claim-x9\n",
        "theorems/X3.cpp": "// X3 without a pointer\n",
        "theorems/A4.cpp": "// Specification: docs/claims.md#claim-a4, docs/claims-deep.md#claim-a4\n",
        "checks/other.hpp": "# Specification: docs/claims.md#claim-r7\n",
    })
    assert sorted(repository_problems(root)) == sorted([
        "theorems/X2.cpp:2: Specification: docs/claims.md#claim-x9: no such claim section",
        "theorems/X2.cpp: no comment line 'Specification: docs/claims.md#claim-x2' (or a group "
        "page's) pointing to its section",
        "theorems/X3.cpp: no comment line 'Specification: docs/claims.md#claim-x3' (or a group "
        "page's) pointing to its section",
        "theorems/A4.cpp:1: Specification: docs/claims-deep.md does not exist",
        "checks/other.hpp:1: Specification: docs/claims.md#claim-r7: no such claim section",
    ])


def test_references_outside_the_repository_are_found(tmp_path):
    folder, brief = "shared", "CLAIMS"  # spelt apart so that this file passes its own check
    root = fake_repository(tmp_path, {
        "a.hpp": f"// see ../{folder}/{brief}.md, section X1\n",
        "b.py": f"# measured: {folder}/{'TOOLCHAIN'}.md\n",
        "c.md": f"The style guide ({'STYLE'}.md) says so.\n",
        "d.txt": f"kept beside the repository in ../{folder}\n",
        "fine.md": "docs/claims.md, report/claims.md, shared_ptr, a shared library\n",
    })
    problems = repository_problems(root)
    assert sorted({p.split(":")[0] for p in problems}) == ["a.hpp", "b.py", "c.md", "d.txt"], problems


# ---- the site ------------------------------------------------------------------------------------


def test_a_build_that_writes_into_the_sources_is_caught(tmp_path):
    """A tiny site whose configuration writes a file beside itself: check_site must say so."""
    docs = tmp_path / "tiny"
    docs.mkdir()
    (docs / "conf.py").write_text(
        "import os\nextensions = ['myst_parser']\n"
        "open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stray.txt'), 'w')\n")
    (docs / "index.md").write_text("# Tiny\n\nText.\n")
    problems = check_docs.Problems()
    check_docs.check_site(str(docs), str(tmp_path / "out"), None, problems)
    assert problems == ["building the site changed the source tree: stray.txt"], problems

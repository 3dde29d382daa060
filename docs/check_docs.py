#!/usr/bin/python3
"""Builds fa-verify's documentation and checks that it specifies what the suite checks.

  check_docs.py build --out DIR [--python-dir DIR]
      the HTML site into DIR/html (incremental; warnings are errors): the `docs` target
  check_docs.py check --out DIR --fa-claims PATH [--python-dir DIR] [--root DIR]
      what the ctest test labelled `docs` runs:
      1. the site, built from scratch into DIR with `-W --keep-going -n`: every warning, and every
         reference to a missing page or label, fails it; the sources must be left unchanged;
      2. every claim that `fa-claims list --json` registers has its section in docs/claims*.md:
         a MyST target `(claim-<id in lower case>)=` on its own line, immediately followed by a
         heading that starts with the id (docs/adding-a-claim.md); every section is a registered
         claim's;
      3. every `Specification: docs/claims*.md#claim-<id>` comment in the sources points to an
         existing section, and every claim file theorems/<ID>.cpp has one for its own id;
      4. no file of the repository refers to the specification files that were kept outside it
         before they moved into docs/.
Exit status 0 when everything holds, 1 with one line per problem otherwise, 2 on bad usage.
docs/tests/test_check_docs.py shows that each check fails when it should.
"""

import argparse
import json
import os
import re
import subprocess
import sys

DOCS_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(DOCS_DIR)

# A section: the target alone on its line, then (next line) a heading whose first word is the id.
TARGET = re.compile(r"^\((claim-[^()\s]+)\)=\s*$")
HEADING = re.compile(r"^#{1,6}\s+(\S+?):?(\s|$)")
# A pointer from the sources: a comment line "// Specification: docs/claims.md#claim-x1" (or "#"
# in scripts), with one or more links; the docs themselves are what is pointed to, not pointers.
SPEC_COMMENT = re.compile(r"^\s*(?://+|#)\s*Specification:")
SPEC_LINK = re.compile(r"docs/(claims[^\s#]*\.md)#(claim-[^\s,;)]+)")

# What a reference to the old specification files looks like: the folder beside the repository
# (dot-dot-slash "shared"), a file in it ("shared/" + one of the names), or one of the names with
# ".md" (upper case: docs/claims.md is lower case). Assembled from pieces so that this file does
# not match itself.
_BRIEF_NAMES = "|".join(["CLAIMS", "TOOLCHAIN", "STYLE"])
OUTSIDE_REFERENCE = re.compile(
    r"\.\./" + "shared" + r"\b"
    + r"|\b" + "shared/" + r"(?:" + _BRIEF_NAMES + r")\b"
    + r"|\b(?:" + _BRIEF_NAMES + r")\.md\b")

# Build and report outputs that are not part of the repository (when it is not a git checkout).
_SKIP_DIRS = {".git", "report", ".cache", "__pycache__"}


class Problems(list):
    def add(self, text):
        self.append(text)


# ---- 2. claim sections --------------------------------------------------------------------------


def spec_pages(docs_dir):
    """docs/claims.md and the group pages docs/claims-<group>.md."""
    return sorted(
        f for f in os.listdir(docs_dir)
        if f.endswith(".md") and (f == "claims.md" or f.startswith("claims-")))


def claim_sections(docs_dir, problems):
    """{id: (page, line)} for every well-formed claim section; malformed ones are problems."""
    sections = {}
    for page in spec_pages(docs_dir):
        with open(os.path.join(docs_dir, page), encoding="utf-8") as f:
            lines = f.read().split("\n")
        for i, line in enumerate(lines):
            target = TARGET.match(line)
            if not target:
                continue
            label = target.group(1)
            where = f"docs/{page}:{i + 1}"
            heading = HEADING.match(lines[i + 1]) if i + 1 < len(lines) else None
            if not heading:
                problems.add(f"{where}: target ({label})= is not followed at once by a heading "
                             "that starts with the claim id")
                continue
            claim_id = heading.group(1)
            if label != "claim-" + claim_id.lower():
                problems.add(f"{where}: target ({label})= introduces the heading of claim "
                             f"{claim_id}; expected ({'claim-' + claim_id.lower()})=")
                continue
            if claim_id in sections:
                problems.add(f"{where}: claim {claim_id} has a second section (the first is "
                             f"{sections[claim_id][0]}:{sections[claim_id][1]})")
                continue
            sections[claim_id] = (f"docs/{page}", i + 1)
    return sections


def registered_claims(fa_claims):
    out = subprocess.run([fa_claims, "list", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"check_docs: '{fa_claims} list --json' failed (exit {out.returncode}):\n"
                         f"{out.stderr}")
    return [c["id"] for c in json.loads(out.stdout)]


def check_sections(claim_ids, sections, problems):
    for claim_id in claim_ids:
        if claim_id not in sections:
            problems.add(f"claim {claim_id} has no section in docs/claims*.md (expected a line "
                         f"'(claim-{claim_id.lower()})=' followed by a heading starting with "
                         f"'{claim_id}')")
    for claim_id, (page, line) in sorted(sections.items()):
        if claim_id not in claim_ids:
            problems.add(f"{page}:{line}: section of claim {claim_id}, which the suite does not "
                         "register (fa-claims list)")


# ---- 3 and 4: the repository's files ------------------------------------------------------------


def repository_files(root):
    """The repository's files, relative to root: git's tracked and untracked-but-not-ignored
    files when root is the top of a git checkout, else every file outside build directories and
    report/ (a folder inside a checkout, such as a test's copy in the build tree, is walked)."""
    top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], capture_output=True,
                         text=True)
    git = None
    if top.returncode == 0 and os.path.realpath(top.stdout.strip()) == os.path.realpath(root):
        git = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True)
    if git is not None and git.returncode == 0:
        names = [n for n in git.stdout.decode("utf-8", "replace").split("\0") if n]
        return sorted(n for n in names if os.path.isfile(os.path.join(root, n)))
    found = []
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith("build")]
        found += [os.path.relpath(os.path.join(top, f), root) for f in files]
    return sorted(found)


def read_text(path):
    """The file's text, or None for a binary file (images, .npy)."""
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def check_repository(root, docs_dir, problems):
    # page name -> the labels of its claim sections (malformed ones are check 2's problems)
    pages = {page: set() for page in spec_pages(docs_dir)}
    for claim_id, (page, _) in claim_sections(docs_dir, Problems()).items():
        pages[page[len("docs/"):]].add("claim-" + claim_id.lower())
    claim_files_pointing = set()
    for name in repository_files(root):
        text = read_text(os.path.join(root, name))
        if text is None:
            continue
        for number, line in enumerate(text.split("\n"), 1):
            for match in OUTSIDE_REFERENCE.finditer(line):
                problems.add(f"{name}:{number}: refers to '{match.group(0)}', a file outside the "
                             "repository (cite docs/claims.md or docs/building.md instead)")
            pointer = SPEC_COMMENT.match(line) and not name.startswith("docs/")
            links = SPEC_LINK.finditer(line) if pointer else ()
            for match in links:
                page, label = match.group(1), match.group(2)
                if page not in pages:
                    problems.add(f"{name}:{number}: Specification: docs/{page} does not exist")
                elif label not in pages[page]:
                    problems.add(f"{name}:{number}: Specification: docs/{page}#{label}: no such "
                                 "claim section")
                elif _is_claim_file(name) and label == _claim_label(name):
                    claim_files_pointing.add(name)
    for name in repository_files(root):
        if _is_claim_file(name) and name not in claim_files_pointing:
            problems.add(f"{name}: no comment line 'Specification: docs/claims.md#"
                         f"{_claim_label(name)}' (or a group page's) pointing to its section")


def _is_claim_file(name):
    return os.path.dirname(name) == "theorems" and name.endswith(".cpp")


def _claim_label(name):
    return "claim-" + os.path.basename(name)[: -len(".cpp")].lower()


# ---- 1. the site --------------------------------------------------------------------------------


def require_sphinx():
    try:
        import myst_parser  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError as e:
        raise SystemExit(f"check_docs: {e.name} is missing: the docs need Debian's python3-sphinx "
                         "and python3-myst-parser (scripts/setup.sh installs them; run with "
                         "/usr/bin/python3)")


def sphinx_build(docs_dir, out_dir, python_dir, fresh):
    """Runs Sphinx; returns (exit status, its output). Doctrees and HTML go to out_dir."""
    require_sphinx()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if python_dir:
        env["FA_PYTHON_DIR"] = os.path.abspath(python_dir)
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
           "-d", os.path.join(out_dir, "doctrees"), docs_dir, os.path.join(out_dir, "html")]
    if fresh:
        cmd.insert(3, "-E")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout + p.stderr


def snapshot(directory):
    """Every file under directory with its size and modification time."""
    state = {}
    for top, _, files in os.walk(directory):
        for f in files:
            path = os.path.join(top, f)
            st = os.stat(path)
            state[os.path.relpath(path, directory)] = (st.st_size, st.st_mtime_ns)
    return state


def check_site(docs_dir, out_dir, python_dir, problems):
    before = snapshot(docs_dir)
    status, output = sphinx_build(docs_dir, out_dir, python_dir, fresh=True)
    if status != 0:
        problems.add("the site does not build without warnings (sphinx-build -W --keep-going -n):\n"
                     + output.rstrip())
    after = snapshot(docs_dir)
    if after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        problems.add("building the site changed the source tree: "
                     + ", ".join(sorted({name for name, _ in changed})))


# ---- main -----------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["build", "check"])
    ap.add_argument("--out", required=True, help="output directory (in the build tree)")
    ap.add_argument("--python-dir", help="the directory holding the built faverify package")
    ap.add_argument("--fa-claims", help="the fa-claims executable (check)")
    ap.add_argument("--docs", default=DOCS_DIR, help="the docs folder (default: this script's)")
    ap.add_argument("--root", default=SOURCE_ROOT, help="the repository (default: docs/..)")
    args = ap.parse_args(argv)
    if args.command == "build":
        status, output = sphinx_build(args.docs, args.out, args.python_dir, fresh=False)
        sys.stdout.write(output)
        if status == 0:
            print(f"docs: {os.path.join(args.out, 'html', 'index.html')}")
        return status
    if not args.fa_claims:
        ap.error("check needs --fa-claims")
    problems = Problems()
    claim_ids = registered_claims(args.fa_claims)
    sections = claim_sections(args.docs, problems)
    check_sections(claim_ids, sections, problems)
    check_repository(args.root, args.docs, problems)
    check_site(args.docs, args.out, args.python_dir, problems)
    for p in problems:
        print(f"check_docs: {p}")
    if problems:
        print(f"check_docs: {len(problems)} problem(s)")
        return 1
    print(f"check_docs: {len(claim_ids)} claims, each with its section in "
          f"{', '.join('docs/' + p for p in spec_pages(args.docs))}; the site builds without "
          f"warnings ({os.path.join(args.out, 'html')}); no reference outside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())

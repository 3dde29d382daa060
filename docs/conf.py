"""Sphinx configuration of fa-verify's documentation (docs/*.md, MyST Markdown).

Built by the `docs` target (cmake --build build --target docs -> build/docs/html) and checked by
the ctest test labelled `docs` (docs/check_docs.py). Everything comes from Debian's packages:
python3-sphinx, python3-myst-parser and the alabaster theme that python3-sphinx depends on. The
build fetches nothing (no intersphinx, no theme from elsewhere), so it works offline from a fresh
clone.

The Python API page documents the faverify module from its docstrings (autodoc): the module must
be built first (it is, by the normal build, in build/python). FA_PYTHON_DIR names that directory;
the default is the build directory `build/` beside this folder.
"""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("FA_PYTHON_DIR", os.path.join(_here, "..", "build", "python")))

project = "fa-verify"
author = "the fa-verify developers"
copyright = "the fa-verify developers"
version = release = "0.1"

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
master_doc = root_doc = "index"
# Only the pages: the checker and its tests are not documents.
exclude_patterns = ["tests", "check_docs.py", "conf.py"]

# MyST: Markdown with explicit targets `(claim-x1)=` and {ref} roles; `$` is a plain dollar (the
# pages write formulas as text, so no JavaScript is needed to read them offline).
myst_enable_extensions = []
myst_heading_anchors = 3

html_theme = "alabaster"
html_theme_options = {"page_width": "1300px", "sidebar_width": "230px", "body_max_width": "none",
                      "code_font_size": "0.8em"}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
html_static_path = []
html_show_sourcelink = False
html_copy_source = False
# Formulas are text: Z' and G' keep their straight quotes.
smartquotes = False
# Literal blocks in docstrings are prose, not Python.
highlight_language = "text"

# autodoc: members in source order, with their signatures as written.
autodoc_member_order = "bysource"
autodoc_typehints = "none"

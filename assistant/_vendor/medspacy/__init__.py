"""A vendored subset of medspaCy 1.3.1 (MIT licence, see LICENSE): ConText, the target
matcher and their common base, with the English ConText rules.

Why vendored: medspaCy 1.3.1's metadata requires ``spacy<3.8`` on Python 3.11, whose
thinc is compiled against numpy 1.x and fails to import beside the numpy 2 this project
pins (``numpy.dtype size changed``). The code itself runs unchanged on spaCy 3.8. Vendoring
the pure-Python components keeps a plain ``pip install`` (and the wheel) complete.

Changes from upstream, all mechanical: this ``__init__`` sets the extensions without
importing medspaCy's loader (which pulls PyRuSH, QuickUMLS and database I/O); ``util.py``
keeps only ``tuple_overlaps``; the default ConText rules path points at ``resources/``
beside this file. Importing ``assistant._vendor.medspacy.context`` and
``.target_matcher`` registers the ``medspacy_context`` and ``medspacy_target_matcher``
spaCy factories, as upstream does.
"""

from ._extensions import set_extensions

__version__ = "1.3.1"

set_extensions()

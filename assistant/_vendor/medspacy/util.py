"""The one helper the vendored ConText modules use from medspaCy's ``util.py``."""

from typing import Tuple


def tuple_overlaps(a: Tuple[int, int], b: Tuple[int, int]):
    """Whether two (start, end) spans overlap."""
    return a[0] <= b[0] < a[1] or a[0] < b[1] <= a[1]

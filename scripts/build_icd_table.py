"""Regenerate assistant/data/icd10cm.tsv.gz from the installed simple-icd-10-cm package.

    python scripts/build_icd_table.py

One line per category or subcategory code: code, 1 if billable (a leaf) else 0, title.
The table loads in a fraction of the time the package's XML takes, which keeps the
command line and a cold draft fast; tests/test_codes.py checks it still matches the
package, so upgrading the package and forgetting to rebuild fails the suite.
"""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assistant" / "data" / "icd10cm.tsv.gz"


def rows() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd
    out = []
    for code in icd.get_all_codes(with_dots=True):
        if icd.is_category_or_subcategory(code):
            title = icd.get_description(code).replace("\t", " ").replace("\n", " ")
            out.append(f"{code}\t{1 if icd.is_leaf(code) else 0}\t{title}")
    return out


def main() -> None:
    data = "\n".join(rows()) + "\n"
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(data)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {data.count(chr(10)):,} codes)")


if __name__ == "__main__":
    main()

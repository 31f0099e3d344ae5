"""``python -m evals``: score drafts of the case set (see :mod:`evals.run`)."""

from evals.run import main

raise SystemExit(main())

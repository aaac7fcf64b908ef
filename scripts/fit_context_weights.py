"""Fit the signals' weights (``graph.ranking.signals``) on an earlier year: see
``ingest.evaluation.fit``. Usage::

    python scripts/fit_context_weights.py ../shared/data/anr/anr_partners_2010_2020.csv.gz \\
        --train-until 2018 --check-until 2019
"""

from __future__ import annotations

import sys

from ingest.evaluation.fit import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m model.cli``: the ``balloon`` command."""

import sys

from model.cli import main

sys.exit(main())

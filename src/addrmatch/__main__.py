"""``python -m addrmatch``: the same command line as the ``addrmatch`` script."""

import sys

from addrmatch.cli import main

if __name__ == "__main__":
    sys.exit(main())

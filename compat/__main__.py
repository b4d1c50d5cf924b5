"""`python -m compat script.py` is `python -m compat.run script.py`."""
import sys

from .run import main

sys.exit(main())

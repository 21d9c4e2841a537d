"""`python -m tools.bench [--out FILE]`: the gas benchmark (`tools.bench.gas`)."""

import sys

from tools.bench.gas import main

sys.exit(main())

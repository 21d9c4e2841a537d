"""`python -m tools.build [--check]`: regenerate (or check) every generated file."""

import sys

from tools.build.artifacts import main

sys.exit(main())

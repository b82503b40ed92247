"""`python -m raspstudio ARGS` is `rasp ARGS`."""

import sys

from raspstudio.cli.main import main

sys.exit(main())

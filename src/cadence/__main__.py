import sys

from cadence._cli import main

sys.exit(main())

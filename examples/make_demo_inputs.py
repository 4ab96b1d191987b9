"""Write the demo case's fictional input files (two screenshots and an Alipay bill).

    python examples/make_demo_inputs.py [FOLDER]     # default: examples/demo-inputs

`casekit demo [DIR]` (and `make demo`) makes the same inputs itself and builds the packets.
"""

import sys
from pathlib import Path

from casekit.demo import make_inputs

if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "demo-inputs"
    for path in make_inputs(folder):
        print(path)

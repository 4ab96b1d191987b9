"""Run a command and print its peak RSS (largest process in its tree) as the last stderr line."""

import resource
import subprocess
import sys

code = subprocess.call(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
sys.stderr.write(f"PEAK_MIB={peak:.1f}\n")
sys.exit(code)

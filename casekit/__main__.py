"""`python -m casekit` and the `casekit` console script.

Ctrl-C is caught here too, around the imports and the whole command: a Ctrl-C that lands while
the interpreter is still importing (a slow machine takes over a second) or after the command has
returned gets the same one line and exit code 130 as one inside a command, never a traceback.
Once the command is over, Ctrl-C is ignored: the interpreter's own shutdown (joining a worker
pool's threads) has nothing left to stop, and a KeyboardInterrupt there prints a traceback.
"""

import signal
import sys


def run() -> None:
    try:
        from .cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("casekit: 已中断，已完成的部分已保存 / interrupted; finished work is kept\n")
        sys.exit(130)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    run()

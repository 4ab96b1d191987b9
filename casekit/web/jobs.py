"""Long work (extraction, builds) in a worker thread, so the page stays responsive and polls.

One job runs at a time per server: a second request while one runs is told to wait. The
library calls inside take the case lock themselves, so a CLI command at the same time simply
waits its turn, as two CLI commands would.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import CasekitError


@dataclass
class Job:
    """The state of the current or last job, as the progress fragment shows it."""

    kind: str  # "extract" | "build"
    total: int | None = None
    done: int = 0
    step: str = ""
    finished: bool = False
    error: str | None = None
    failure: CasekitError | None = None  # the error the user can fix, for the page to word in its language
    result: dict[str, Any] = field(default_factory=dict)
    shown: int = 0  # the highest percent shown so far

    @property
    def percent(self) -> int:
        """done/total as a percentage that never goes back: a build's total grows once (its
        page-number overlays are counted when they are planned), and the bar holds its place
        while the count itself ("13/15") says what is being done."""
        if self.finished:
            return 100
        if self.total:
            self.shown = max(self.shown, min(99, int(100 * self.done / self.total)))
        return self.shown

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "total": self.total, "done": self.done, "step": self.step,
                "finished": self.finished, "error": self.error, "percent": self.percent, "result": self.result}


class Jobs:
    """Starts jobs in a daemon thread and keeps the latest one per kind."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Job] = {}
        self._thread: threading.Thread | None = None

    def latest(self, kind: str) -> Job | None:
        return self._latest.get(kind)

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, kind: str, work: Callable[[Job], dict[str, Any]]) -> Job | None:
        """Run `work(job)` in a thread; None if another job is still running."""
        with self._lock:
            if self.busy():
                return None
            job = Job(kind)
            self._latest[kind] = job
            self._thread = threading.Thread(target=self._run, args=(job, work), name=f"casekit-{kind}", daemon=True)
            self._thread.start()
            return job

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @staticmethod
    def _run(job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        try:
            job.result = work(job) or {}
        except CasekitError as exc:
            job.error, job.failure = exc.one_line(), exc
        except Exception as exc:  # a bug: keep it visible on the page and on stderr
            traceback.print_exc()
            job.error = f"程序错误 / bug: {type(exc).__name__}: {exc}"
        finally:
            job.finished = True

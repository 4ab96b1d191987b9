"""`interrupts_at_checkpoints`: Ctrl-C is taken only where the block asks for it."""

from __future__ import annotations

import os
import signal

import pytest

from casekit.fsutil import deferred_interrupts, interrupts_at_checkpoints

# Every test here sends SIGINT and relies on Python's handler (absent under nohup / `&`).
pytestmark = pytest.mark.usefixtures("sigint_handled")


def test_ctrl_c_waits_for_the_checkpoint_and_nested_blocks_leave_it_to_the_outer_one() -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt), interrupts_at_checkpoints() as checkpoint:
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("after the signal")
        with deferred_interrupts():
            steps.append("nested block")
        steps.append("after the nested block")  # the nested block does not raise at its end
        checkpoint()
        steps.append("never")
    assert steps == ["after the signal", "nested block", "after the nested block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_without_a_checkpoint_is_raised_at_the_end_of_the_block() -> None:
    with pytest.raises(KeyboardInterrupt), interrupts_at_checkpoints():
        os.kill(os.getpid(), signal.SIGINT)
    with interrupts_at_checkpoints() as checkpoint:
        checkpoint()  # nothing arrived: no-op


def test_a_child_forked_inside_the_block_ignores_ctrl_c_and_dies_of_sigterm() -> None:
    with interrupts_at_checkpoints():
        pid = os.fork()
        if pid == 0:  # the child: Ctrl-C is the parent's to handle; SIGTERM ends it as usual
            try:
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGTERM)
            finally:
                os._exit(3)
        _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM

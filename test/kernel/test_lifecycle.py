"""Kernel lifecycle: clean shutdown, and no orphan when the process that started it dies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kernel_client import ROOT, start_kernel

PARENT = """
import sys, time
from jupyter_client import KernelManager
km = KernelManager(kernel_name="adlab")
km.start_kernel(cwd=sys.argv[1])
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)  # started and serving (a loaded machine starts slowly)
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
"""


def is_running(pid: int) -> bool:
    """True while pid exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_kernel_exits_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(ROOT / "notebooks")],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        kernel_pid = int(parent.stdout.readline())
        assert wait_until(lambda: is_running(kernel_pid), 10)
        time.sleep(2)  # let the kernel start its parent watch
        assert is_running(kernel_pid), "the kernel died before its parent"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert wait_until(lambda: not is_running(kernel_pid), 10), "orphaned kernel still running"
    finally:
        parent.kill()
        parent.wait(10)
        try:
            os.kill(kernel_pid, signal.SIGKILL)
        except (ProcessLookupError, NameError):
            pass


def test_shutdown_request_ends_the_process():
    km, kc = start_kernel()
    try:
        pid = km.provisioner.process.pid
        kc.shutdown()
        assert wait_until(lambda: not is_running(pid), 10), "kernel ignored shutdown_request"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

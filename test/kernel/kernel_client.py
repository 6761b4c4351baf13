"""A small synchronous client for the adlab kernel: run code, collect its iopub messages."""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client import KernelClient, KernelManager

ROOT = Path(__file__).resolve().parents[2]
KERNEL_NAME = "adlab"
TENSOR_MIME = "application/vnd.adlab.tensor.v1+json"


@dataclass
class Execution:
    """What one execute_request produced."""

    reply: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [m["content"] for m in self.messages if m["header"]["msg_type"] == msg_type]

    @property
    def result(self) -> dict[str, Any]:
        results = self.of_type("execute_result")
        assert len(results) == 1, f"expected one execute_result, got {self.summary()}"
        return results[0]

    @property
    def error(self) -> dict[str, Any]:
        errors = self.of_type("error")
        assert len(errors) == 1, f"expected one error message, got {self.summary()}"
        return errors[0]

    def summary(self) -> str:
        lines = [f"reply={self.reply}"]
        lines += [f"{m['header']['msg_type']}: {m['content']}" for m in self.messages]
        return "\n".join(lines)


def start_kernel(
    cwd: Path = ROOT / "notebooks", env: dict[str, str] | None = None
) -> tuple[KernelManager, KernelClient]:
    """Starts an adlab kernel (with `env` added to this process's environment) and waits for it."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(cwd=str(cwd), env={**os.environ, **(env or {})})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def stop_kernel(km: KernelManager, kc: KernelClient) -> None:
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def send(kc: KernelClient, code: str, **kwargs: Any) -> str:
    return kc.execute(code, **kwargs)


def collect(kc: KernelClient, msg_id: str, timeout: float = 30) -> Execution:
    """Waits for the shell reply to msg_id and its iopub messages up to status idle."""
    deadline = time.monotonic() + timeout
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg["content"]
    return Execution(reply, iopub_until_idle(kc, msg_id, deadline - time.monotonic()))


def iopub_until_idle(kc: KernelClient, msg_id: str, timeout: float = 30) -> list[dict[str, Any]]:
    """The iopub messages whose parent is msg_id, up to its idle status (statuses left out)."""
    deadline = time.monotonic() + timeout
    messages: list[dict[str, Any]] = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            summary = [(m["header"]["msg_type"], m["content"]) for m in messages]
            raise AssertionError(f"no idle status before timeout: {summary}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["header"]["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return messages
            continue
        messages.append(msg)


def run(kc: KernelClient, code: str, timeout: float = 30) -> Execution:
    return collect(kc, send(kc, code), timeout)


def value(kc: KernelClient, expression: str) -> str:
    """The text/plain result of one expression."""
    return run(kc, expression).result["data"]["text/plain"]


def send_and_wait_started(kc: KernelClient, code: str, timeout: float = 60) -> str:
    """Sends `code` and returns once it has started running (its first statement touches a file):
    a cell may wait for its compile a while under load, and an interrupt sent before it runs
    would stop it at its first statement."""
    marker = Path(tempfile.mkdtemp(prefix="adlab-cell-")) / "started"
    msg_id = send(kc, f"require('fs').writeFileSync({json.dumps(str(marker))}, '');\n{code}")
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert time.monotonic() < deadline, f"the cell did not start within {timeout} s: {code!r}"
        time.sleep(0.02)
    shutil.rmtree(marker.parent, ignore_errors=True)
    return msg_id


def interrupt_running(km: KernelManager, kc: KernelClient, code: str, after: float = 1.5) -> Execution:
    """Runs `code`, interrupts the kernel `after` seconds after it started, and returns what the
    cell produced, which must end in KeyboardInterrupt."""
    msg_id = send_and_wait_started(kc, code)
    time.sleep(after)
    km.interrupt_kernel()
    ex = collect(kc, msg_id, timeout=20)
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["ename"] == "KeyboardInterrupt", ex.summary()
    return ex


def stopped_count(kc: KernelClient, counter: str, wait: float = 0.5) -> int:
    """An integer expression read twice, `wait` seconds apart, which must not change: the loop
    that advanced it has stopped."""
    before = int(value(kc, counter))
    time.sleep(wait)
    after = int(value(kc, counter))
    assert after == before, f"the interrupted loop kept running: {counter} went {before} -> {after}"
    return before


def flatten(values: Any) -> list[Any]:
    if isinstance(values, list):
        return [x for v in values for x in flatten(v)]
    return [values]

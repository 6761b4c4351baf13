"""Kernel start-up times, adlab beside ipykernel (not part of CI).

For each kernel, the median over N runs of
  - launch: from start_kernel() to the kernel_info_reply (jupyter_client's wait_for_ready),
  - restart: from restart_kernel() to the first execute_result of a one-line cell.

Run after `source scripts/setup.sh && adlab_env` (the adlab kernelspec must be on JUPYTER_PATH;
ipykernel comes with the test requirements):  python bench/kernel/startup.py [N]
The machine's load changes these numbers: compare kernels within one run, as ratios.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[2]
CELLS = {"adlab": "1 + 1", "python3": "1 + 1"}


def first_result(kc, code: str, timeout: float = 120) -> None:
    msg_id = kc.execute(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.monotonic())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["header"]["msg_type"] == "execute_result":
            return
        if msg["header"]["msg_type"] == "error":
            raise RuntimeError(msg["content"])
    raise TimeoutError("no execute_result")


def measure(kernel_name: str, runs: int) -> tuple[list[float], list[float]]:
    launches, restarts = [], []
    for _ in range(runs):
        km = KernelManager(kernel_name=kernel_name)
        started = time.monotonic()
        km.start_kernel(cwd=str(ROOT / "notebooks"))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            launches.append(time.monotonic() - started)
            started = time.monotonic()
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=120)
            first_result(kc, CELLS[kernel_name])
            restarts.append(time.monotonic() - started)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return launches, restarts


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"median of {runs} runs (seconds)")
    print(f"{'kernel':10} {'launch to kernel_info':>22} {'restart to first result':>24}")
    for name in ("adlab", "python3"):
        launches, restarts = measure(name, runs)
        print(f"{name:10} {statistics.median(launches):22.2f} {statistics.median(restarts):24.2f}")


if __name__ == "__main__":
    main()

"""Kernel start-up times, adlab beside ipykernel (not part of CI).

For each kernel, the median over N runs of
  - launch: from start_kernel() to the kernel_info_reply (jupyter_client's wait_for_ready),
  - restart: from restart_kernel() to the first execute_result of a one-line cell,
and the CPU time the kernel process had used at those two points (user + system, all threads;
from /proc). Wall-clock times grow with the machine's load; CPU times much less.

Run after `source scripts/setup.sh && adlab_env` (the adlab kernelspec must be on JUPYTER_PATH;
ipykernel comes with the test requirements):  python bench/kernel/startup.py [N]
The machine's load changes these numbers: compare kernels within one run, as ratios.
"""

from __future__ import annotations

import os
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


def cpu_seconds(km: KernelManager) -> float:
    """User + system CPU time of the kernel process so far (Linux)."""
    pid = km.provisioner.process.pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(kernel_name: str, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"launch": [], "restart": [], "launch_cpu": [], "restart_cpu": []}
    for _ in range(runs):
        km = KernelManager(kernel_name=kernel_name)
        started = time.monotonic()
        km.start_kernel(cwd=str(ROOT / "notebooks"))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            times["launch"].append(time.monotonic() - started)
            times["launch_cpu"].append(cpu_seconds(km))
            started = time.monotonic()
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=120)
            first_result(kc, CELLS[kernel_name])
            times["restart"].append(time.monotonic() - started)
            times["restart_cpu"].append(cpu_seconds(km))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"median of {runs} runs (seconds; CPU: the kernel process's CPU time at that point)")
    print(f"{'kernel':10} {'launch to kernel_info':>22} {'(CPU)':>6} {'restart to first result':>24} {'(CPU)':>6}")
    for name in ("adlab", "python3"):
        t = {key: statistics.median(values) for key, values in measure(name, runs).items()}
        print(
            f"{name:10} {t['launch']:22.2f} {t['launch_cpu']:6.2f}"
            f" {t['restart']:24.2f} {t['restart_cpu']:6.2f}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

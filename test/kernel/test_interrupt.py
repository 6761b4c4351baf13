"""Interrupt stops a cell's asynchronous work, not only the await the kernel is waiting on."""

import time

from kernel_client import interrupt_running, run, stopped_count, value


def test_interrupted_awaiting_loop_stops_advancing(km, kc):
    assert run(kc, "const state = { n: 0 };").reply["status"] == "ok"
    interrupt_running(
        km,
        kc,
        "const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));\n"
        "for (let i = 0; ; i++) {\n  state.n = i;\n  console.log(i);\n  await sleep(10);\n}",
        after=2,
    )
    assert stopped_count(kc, "state.n", wait=1) > 5, "the loop never ran"


def test_interrupt_stops_an_interval_of_an_earlier_cell(km, kc):
    assert run(kc, "const ticks = { n: 0 };\nsetInterval(() => ticks.n++, 5);").reply["status"] == "ok"
    time.sleep(0.5)
    interrupt_running(km, kc, "await new Promise(() => {})", after=0.5)
    stopped_count(kc, "ticks.n")
    assert value(kc, "await new Promise((r) => setTimeout(() => r(7), 10))") == "7", (
        "timers of new cells must still run"
    )

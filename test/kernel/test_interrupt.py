"""Interrupt stops a cell's asynchronous work, not only the await the kernel is waiting on."""

import time

from kernel_client import collect, run, send


def test_interrupted_awaiting_loop_stops_advancing(km, kc):
    assert run(kc, "const state = { n: 0 };").reply["status"] == "ok"
    msg_id = send(
        kc,
        "const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));\n"
        "for (let i = 0; ; i++) {\n  state.n = i;\n  console.log(i);\n  await sleep(10);\n}",
    )
    time.sleep(2)
    km.interrupt_kernel()
    ex = collect(kc, msg_id, timeout=20)
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["ename"] == "KeyboardInterrupt"
    before = int(run(kc, "state.n").result["data"]["text/plain"])
    assert before > 5, "the loop never ran"
    time.sleep(1)
    after = int(run(kc, "state.n").result["data"]["text/plain"])
    assert after == before, f"the interrupted loop kept running: {before} -> {after}"


def test_interrupt_stops_an_interval_of_an_earlier_cell(km, kc):
    assert run(kc, "const ticks = { n: 0 };\nsetInterval(() => ticks.n++, 5);").reply["status"] == "ok"
    time.sleep(0.5)
    msg_id = send(kc, "await new Promise(() => {})")
    time.sleep(0.5)
    km.interrupt_kernel()
    assert collect(kc, msg_id, timeout=20).error["ename"] == "KeyboardInterrupt"
    before = int(run(kc, "ticks.n").result["data"]["text/plain"])
    time.sleep(0.5)
    assert int(run(kc, "ticks.n").result["data"]["text/plain"]) == before
    assert run(kc, "await new Promise((r) => setTimeout(() => r(7), 10))").result["data"][
        "text/plain"
    ] == "7", "timers of new cells must still run"

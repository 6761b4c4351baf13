"""A kernel busy with code that never awaits: the heartbeat keeps answering, an interrupt stops the
loop wherever it runs (in a setTimeout callback, after an await, in plain recursion), code that
cannot be stopped is reported and a restart ends it, and a nearly full heap is reported."""

import time

import pytest
import zmq

from kernel_client import (
    collect,
    interrupt_running,
    iopub_until_idle,
    run,
    send,
    send_and_wait_started,
    start_kernel,
    stop_kernel,
    stopped_count,
    value,
)

BUSY_5S = "const t0 = Date.now();\nwhile (Date.now() - t0 < 5000) {}\n'done'"


def ping(km, timeout_ms: int = 1000) -> bool:
    """One heartbeat round trip on a socket of our own: True if the echo came within timeout_ms."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    try:
        sock.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
        sock.send(b"ping")
        return sock.poll(timeout_ms) != 0 and sock.recv() == b"ping"
    finally:
        sock.close()


def test_heartbeat_answers_during_a_busy_loop(km, kc):
    msg_id = send(kc, BUSY_5S)
    time.sleep(0.5)  # the loop runs
    answered = []
    for _ in range(6):  # about 3 s of pings while the loop runs
        answered.append(ping(km))
        time.sleep(0.5)
    assert all(answered), f"heartbeat missed during a busy loop: {answered}"
    ex = collect(kc, msg_id, timeout=30)
    assert ex.result["data"]["text/plain"] == "done", ex.summary()


def test_interrupt_stops_a_busy_loop_in_a_timer_of_a_finished_cell(km, kc):
    code = "const spin = { n: 0 };\nsetTimeout(() => { for (;;) spin.n++; }, 10);\n'started'"
    assert value(kc, code) == "started"
    time.sleep(1)  # the timer's loop now holds the main thread
    started = time.monotonic()
    km.interrupt_kernel()
    before = int(value(kc, "spin.n"))  # answered: the loop stopped
    assert time.monotonic() - started < 10
    assert before > 1000, "the loop never ran"
    stopped_count(kc, "spin.n")


def test_interrupt_stops_a_busy_timer_of_the_running_cell(km, kc):
    assert run(kc, "const spin2 = { n: 0 };").reply["status"] == "ok"
    interrupt_running(
        km,
        kc,
        "setTimeout(() => { for (;;) spin2.n++; }, 10);\n"
        "await new Promise((resolve) => setTimeout(resolve, 60_000));",
    )
    stopped_count(kc, "spin2.n")


def test_interrupt_stops_a_busy_loop_after_an_await(km, kc):
    assert run(kc, "const spin3 = { n: 0 };").reply["status"] == "ok"
    ex = interrupt_running(
        km,
        kc,
        "await new Promise((resolve) => setTimeout(resolve, 10));\n"
        "for (;;) {\n  try { spin3.n++; } catch { /* cannot swallow the interrupt */ }\n}",
    )
    assert [s for s in ex.of_type("stream") if s["name"] == "stdout"] == []
    assert stopped_count(kc, "spin3.n") > 1000, "the loop never ran"


def test_interrupt_stops_recursion_without_loops(km, kc):
    code = "const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));"
    assert run(kc, code).reply["status"] == "ok"
    interrupt_running(km, kc, "fib(80)")
    assert value(kc, "fib(10)") == "55"


@pytest.fixture
def stuck_kernel():
    """A kernel that reports a pending interrupt after 1 s (instead of 5)."""
    km, kc = start_kernel(env={"ADLAB_INTERRUPT_STUCK_MS": "1000"})
    yield km, kc
    stop_kernel(km, kc)


def test_code_that_cannot_be_stopped_is_reported_and_a_restart_ends_it(stuck_kernel):
    km, kc = stuck_kernel
    # Code run by eval is not compiled by the kernel, so it has no interrupt checks.
    msg_id = send_and_wait_started(kc, 'eval("for (;;) {}")')
    time.sleep(0.2)
    km.interrupt_kernel()
    deadline = time.monotonic() + 15
    text = ""
    while "does not yield" not in text and time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.monotonic())
        if msg["header"]["msg_type"] == "stream" and msg["parent_header"].get("msg_id") == msg_id:
            text += msg["content"]["text"]
    assert "restart the kernel" in text, f"no message about the stuck loop: {text!r}"
    assert ping(km), "the heartbeat must still answer"
    started = time.monotonic()
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    assert value(kc, "1 + 1") == "2"
    assert time.monotonic() - started < 20


def test_a_nearly_full_heap_is_reported():
    km, kc = start_kernel(env={"NODE_OPTIONS": "--max-old-space-size=400"})
    try:
        ex = run(
            kc,
            'const v8 = require("v8");\n'
            "const used = () => v8.getHeapStatistics().used_heap_size;\n"
            "const keep: number[][] = [];\n"
            "while (used() < 0.92 * 400 * 2 ** 20) keep.push(new Array(250_000).fill(keep.length));\n"
            "keep.length",
            timeout=60,
        )
        stderr = "".join(s["text"] for s in ex.of_type("stream") if s["name"] == "stderr")
        assert "the JavaScript heap is 9" in stderr, ex.summary()
        assert "of 0.39 GiB" in stderr and "restart the kernel" in stderr, stderr
        # Dropping the values lets the kernel go on.
        assert value(kc, "keep.length = 0") == "0"
    finally:
        stop_kernel(km, kc)

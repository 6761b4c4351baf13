"""Live outputs over the real protocol: a top-level `for await` cell, a progress line that is one
display updated in place, and a `compareRuns.live` run stopped by a request on the `adlab.live`
comm while its cell runs (what the widget's Stop button sends)."""

import queue
import time
import uuid

from kernel_client import collect, run, send

OPT_MIME = "application/vnd.adlab.optimizer-run.v1+json"


def send_shell(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg)
    return msg["header"]["msg_id"]


def test_top_level_for_await_runs_as_async(kc):
    ex = run(kc, "let total = 0;\nfor await (const k of [1, 2, 3]) total += k;\ntotal")
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.result["data"]["text/plain"] == "6"


def test_progress_is_one_display_updated_in_place(kc):
    code = """const bar = progress(1500, { label: 'fit' });
for await (const k of bar) {
  const t = performance.now();
  while (performance.now() - t < 1);
  bar.set({ loss: 1 / (k + 1) });
}"""
    t0 = time.monotonic()
    ex = run(kc, code, timeout=60)
    seconds = time.monotonic() - t0
    assert ex.reply["status"] == "ok", ex.summary()
    displays = ex.of_type("display_data")
    updates = ex.of_type("update_display_data")
    assert len(displays) == 1
    display_id = displays[0]["transient"]["display_id"]
    assert {u["transient"]["display_id"] for u in updates} == {display_id}
    assert 5 <= len(updates) <= 10 * seconds + 3
    final = updates[-1]["data"]["text/plain"]
    assert final.startswith("fit 100%|") and " 1500/1500 · loss 6.67e-4 · " in final
    assert final.endswith(" total")


def test_progress_in_a_plain_for_loop_updates_while_the_loop_runs(kc):
    """A synchronous loop never yields to the event loop, yet its line moves: the updates go to the
    kernel's socket thread, which sends them while the cell's JavaScript still runs."""
    code = """const bar = progress(2000, { label: 'sync' });
for (const k of bar) {
  const t = performance.now();
  while (performance.now() - t < 1);
  bar.set({ loss: 1 / (k + 1) });
}"""
    cell = send(kc, code)
    arrivals = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != cell:
            continue
        kind = msg["header"]["msg_type"]
        if kind in ("display_data", "update_display_data"):
            arrivals.append((time.monotonic(), msg["content"]["data"]["text/plain"]))
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert len(arrivals) >= 5, arrivals
    # The loop busy-waits at least 2 s: the updates arrived while it ran, not all at its end.
    spread = arrivals[-1][0] - arrivals[0][0]
    assert spread >= 1.0, f"updates arrived within {spread:.2f} s: {arrivals}"
    assert arrivals[-1][1].startswith("sync 100%|") and " 2000/2000 · loss 5.00e-4 · " in arrivals[-1][1]


def test_live_run_stops_on_a_comm_request_and_keeps_the_history(kc):
    code = """const p = optim.problems.rosenbrock(2);
const live = await compareRuns.live(
  [{ f: p.f, x0: p.x0, method: 'sgd', lr: 1e-4, maxIter: 10_000_000, tol: 0 }],
  { problem: 'stop me' },
);"""
    cell = send(kc, code)
    handle = None
    updates = []
    deadline = time.monotonic() + 60
    comm_id = uuid.uuid4().hex
    stop_id = None
    reply = None
    state = None
    while time.monotonic() < deadline and state is None:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        kind = msg["header"]["msg_type"]
        parent = msg["parent_header"].get("msg_id")
        if parent == cell and kind in ("display_data", "update_display_data"):
            live = msg["content"]["data"][OPT_MIME]["live"]
            handle = live["handle"]
            updates.append(live)
            if live["state"] != "running":
                state = live
            elif len(updates) == 5 and stop_id is None:
                send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "adlab.live", "data": {}})
                stop_id = send_shell(
                    kc,
                    "comm_msg",
                    {"comm_id": comm_id, "data": {"id": "stop-1", "handle": handle, "op": "stop", "args": {}}},
                )
        elif kind == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            reply = msg["content"]["data"]
    assert state is not None, f"no final update after {len(updates)} updates"
    assert state["state"] == "stopped"
    assert len(updates) >= 6
    assert [u["updates"] for u in updates] == list(range(1, len(updates) + 1))
    collect(kc, cell, timeout=30)
    if reply is None:  # the reply may come after the final update
        while reply is None:
            msg = kc.get_iopub_msg(timeout=10)
            if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
                reply = msg["content"]["data"]
    assert reply["ok"] is True and reply["result"] == {"stopping": True, "running": True}
    ex = run(kc, "JSON.stringify([live.runs[0].status, live.runs[0].iterations, live.runs[0].history.length])")
    status, iterations, length = __import__("json").loads(ex.result["data"]["text/plain"].strip("'"))
    assert status == "stopped"
    assert iterations == state["stoppedAt"][0] and length == iterations + 1
    assert 0 < iterations < 10_000_000

"""Output floods: the kernel survives them and delivers every message, in order.

tslab alone died after ~512 iopub messages (zeromq.js rejects a send while one is pending and tslab
never awaited); these tests send far more and check each line and update.
"""

import time

import nbformat
from nbclient import NotebookClient

from kernel_client import KERNEL_NAME, ROOT, collect, run, send

LINES = 100_000
UPDATES = 5_000
CELLS = 600


def test_a_cell_printing_100000_lines_delivers_every_line_in_order(kc):
    ex = run(kc, f"for (let i = 0; i < {LINES}; i++) console.log(`line ${{i}}`);", timeout=120)
    assert ex.reply["status"] == "ok", ex.reply
    streams = ex.of_type("stream")
    assert {s["name"] for s in streams} == {"stdout"}
    lines = "".join(s["text"] for s in streams).splitlines()
    assert lines == [f"line {i}" for i in range(LINES)]
    # Coalesced as ipykernel does: a few batches, not one message per line.
    assert len(streams) < 100, len(streams)
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_a_cell_updating_one_display_5000_times_delivers_every_update(kc):
    code = (
        "display('start', { displayId: 'flood' });\n"
        f"for (let i = 0; i < {UPDATES}; i++) display(`step ${{i}}`, {{ displayId: 'flood', update: true }});"
    )
    msg_id = send(kc, code)
    started = time.monotonic()
    ex = collect(kc, msg_id, timeout=120)
    elapsed = time.monotonic() - started
    assert ex.reply["status"] == "ok", ex.reply
    assert [d["data"]["text/plain"] for d in ex.of_type("display_data")] == ["start"]
    updates = ex.of_type("update_display_data")
    assert [u["data"]["text/plain"] for u in updates] == [f"step {i}" for i in range(UPDATES)]
    assert all(u["transient"] == {"display_id": "flood"} for u in updates)
    print(f"\n{len(ex.messages) + 3} messages in {elapsed:.2f} s: {len(ex.messages) / elapsed:.0f}/s")
    assert run(kc, "2 + 2").result["data"]["text/plain"] == "4"


def test_stdout_and_stderr_keep_their_order_around_displays(kc):
    ex = run(
        kc,
        "console.log('a'); console.error('b'); display('c'); console.log('d');\n'e'",
    )
    kinds = [
        (m["header"]["msg_type"], m["content"].get("name"), m["content"].get("text"))
        for m in ex.messages
        if m["header"]["msg_type"] != "execute_input"
    ]
    assert kinds == [
        ("stream", "stdout", "a\n"),
        ("stream", "stderr", "b\n"),
        ("display_data", None, None),
        ("stream", "stdout", "d\n"),
        ("execute_result", None, None),
    ]


def test_600_cells_in_one_notebook_through_nbclient():
    cells = [nbformat.v4.new_code_cell(f"{i} * 2") for i in range(CELLS)]
    cells.append(nbformat.v4.new_code_cell("for (let i = 0; i < 2000; i++) console.log(i);"))
    nb = nbformat.v4.new_notebook(cells=cells)
    started = time.monotonic()
    NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=60,
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    elapsed = time.monotonic() - started
    print(f"\n{CELLS + 1} cells in {elapsed:.1f} s")
    for i, cell in enumerate(nb.cells[:CELLS]):
        assert [o["output_type"] for o in cell.outputs] == ["execute_result"], (i, cell.outputs)
        assert cell.outputs[0]["data"]["text/plain"] == str(i * 2)
        assert cell.execution_count == i + 1
    printed = "".join(o["text"] for o in nb.cells[-1].outputs).splitlines()
    assert printed == [str(i) for i in range(2000)]

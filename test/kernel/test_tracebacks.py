"""Errors point at the user's cells: cell line numbers, library frames folded, async errors routed."""

import queue
import time

from kernel_client import run


def stderr_after(kc, needle: str, timeout: float = 10) -> str:
    """The first stderr stream text containing needle that arrives on iopub within timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        content = msg["content"]
        if msg["header"]["msg_type"] == "stream" and needle in content.get("text", ""):
            assert content["name"] == "stderr"
            return content["text"]
    raise AssertionError(f"no stderr text with {needle!r}")


def test_runtime_error_on_line_3_reports_line_3(kc):
    ex = run(kc, "const first = 1;\nconst second: number = first + 1;\nthrow new Error('on three');")
    assert ex.reply["status"] == "error"
    head = ex.error["traceback"][0]
    assert head.startswith("Error: on three")
    count = ex.reply["execution_count"]
    assert f"In [{count}], line 3" in head, head


def test_line_of_a_function_defined_in_the_cell(kc):
    ex = run(kc, "function fails(): number {\n  const x = 2;\n  throw new Error('inside');\n}\nfails();")
    head = ex.error["traceback"][0]
    count = ex.reply["execution_count"]
    assert f"at fails (In [{count}], line 3)" in head, head
    assert f"In [{count}], line 5" in head, head


def test_library_frames_are_folded_and_kept_in_the_tail(kc):
    ex = run(kc, "const t = np.zeros([2]);\n\nt.reshape([5]);")
    traceback = ex.error["traceback"]
    head, tail = traceback[0], "\n".join(traceback[1:])
    count = ex.reply["execution_count"]
    assert head.startswith("Error: reshape"), head
    assert f"In [{count}], line 3" in head
    assert "kernel-lib" not in head and "frames in the library and Node folded" in head
    assert "kernel-lib" in tail and f"In [{count}], line 3" in tail
    assert "node:internal" not in head


def test_throwing_timer_fails_the_cell_that_awaits(kc):
    ex = run(
        kc,
        "await new Promise((resolve) => setTimeout(() => {\n  throw new Error('timer boom');\n}, 10));",
    )
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["evalue"] == "timer boom"
    assert f"In [{ex.reply['execution_count']}], line 2" in ex.error["traceback"][0]
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_unhandled_rejection_fails_the_running_cell(kc):
    ex = run(
        kc,
        "Promise.reject(new Error('nobody catches'));\n"
        "await new Promise((resolve) => setTimeout(resolve, 2000));",
    )
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["evalue"] == "nobody catches"


def test_error_after_the_cell_finished_is_a_labelled_stderr_message(kc):
    ex = run(kc, "setTimeout(() => {\n  throw new Error('too late');\n}, 300);\n1")
    assert ex.reply["status"] == "ok"
    count = ex.reply["execution_count"]
    text = stderr_after(kc, "too late")
    assert text.startswith(f"Uncaught error in code started by cell In [{count}]"), text
    lines = text.splitlines()
    assert lines[1] == "Error: too late"
    assert f"In [{count}], line 2" in lines[2], text
    assert run(kc, "2 + 2").result["data"]["text/plain"] == "4"

"""The adlab kernel over the real Jupyter protocol (jupyter_client, ZeroMQ)."""

import time

from kernel_client import TENSOR_MIME, collect, flatten, run, send


def test_kernel_info_reply_is_ok_with_language_info(kc):
    reply = kc.kernel_info(reply=True, timeout=30)["content"]
    assert reply["status"] == "ok"
    assert reply["implementation"] == "adlab"
    assert reply["language_info"]["name"] == "typescript"
    assert reply["language_info"]["file_extension"] == ".ts"
    assert reply["protocol_version"].startswith("5.")


def test_library_is_preloaded_without_import(kc):
    ex = run(kc, "[typeof np, typeof np.zeros, typeof display].join(' ')")
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.result["data"]["text/plain"] == "object function function"


def test_tensor_as_last_expression_is_a_rich_execute_result(kc):
    ex = run(kc, "np.array([[1, 2], [3, 4]])")
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.of_type("stream") == [], "the value must not be printed to stdout"
    data = ex.result["data"]
    assert ex.result["execution_count"] == ex.reply["execution_count"]
    payload = data[TENSOR_MIME]
    assert payload["shape"] == [2, 2]
    assert flatten(payload["view"]["values"]) == [1, 2, 3, 4]
    assert "<" in data["text/html"]
    assert data["text/plain"].strip() != ""


def test_plain_value_comes_back_as_text(kc):
    ex = run(kc, "({ a: 1, b: 'x' })")
    assert ex.result["data"] == {"text/plain": "{ a: 1, b: 'x' }"}
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_thrown_error_is_an_error_message_and_kernel_survives(kc):
    ex = run(kc, 'throw new Error("boom")')
    assert ex.reply["status"] == "error"
    assert ex.reply["ename"] == "Error"
    err = ex.error
    assert err["ename"] == "Error"
    assert "boom" in err["evalue"]
    assert any("boom" in line for line in err["traceback"])
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_type_error_is_an_error_message(kc):
    ex = run(kc, 'const wrong: number = "text"')
    assert ex.reply["status"] == "error"
    assert ex.error["ename"] == "TSError"
    assert "not assignable" in ex.error["evalue"]


def test_requests_queued_behind_a_failed_cell_are_aborted_later_ones_run(kc):
    failing = send(kc, 'throw new Error("first")')
    queued = send(kc, "2 + 2")
    assert collect(kc, failing).reply["status"] == "error"
    assert collect(kc, queued).reply["status"] == "aborted"
    assert run(kc, "3 + 3").result["data"]["text/plain"] == "6"


def test_interrupt_stops_a_busy_loop_and_kernel_survives(km, kc):
    msg_id = send(kc, "while (true) {}")
    time.sleep(2)
    km.interrupt_kernel()
    ex = collect(kc, msg_id, timeout=20)
    assert ex.reply["status"] in ("error", "aborted"), ex.summary()
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_interrupt_stops_a_pending_await(km, kc):
    msg_id = send(kc, "await new Promise((resolve) => setTimeout(resolve, 60000))")
    time.sleep(2)
    km.interrupt_kernel()
    ex = collect(kc, msg_id, timeout=20)
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["ename"] == "KeyboardInterrupt"
    assert run(kc, "5").result["data"]["text/plain"] == "5"


def test_completion_of_np_members(kc):
    reply = kc.complete("np.ze", 5, reply=True, timeout=30)["content"]
    assert reply["status"] == "ok"
    assert "zeros" in reply["matches"]


def test_display_sends_display_data_with_the_tensor_json(kc):
    ex = run(kc, "display(np.eye(2))")
    assert ex.reply["status"] == "ok", ex.summary()
    shown = ex.of_type("display_data")
    assert len(shown) == 1, ex.summary()
    payload = shown[0]["data"][TENSOR_MIME]
    assert isinstance(payload, dict), "bundle values must be JSON, not strings"
    assert payload["shape"] == [2, 2]
    assert flatten(payload["view"]["values"]) == [1, 0, 0, 1]
    assert "text/plain" in shown[0]["data"]


def test_display_update_keeps_the_display_id(kc):
    ex = run(
        kc,
        "display(np.zeros([2]), { displayId: 'probe' });\n"
        "display(np.eye(2), { displayId: 'probe', update: true });",
    )
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.of_type("display_data")[0]["transient"] == {"display_id": "probe"}
    updates = ex.of_type("update_display_data")
    assert len(updates) == 1, ex.summary()
    assert updates[0]["transient"] == {"display_id": "probe"}
    assert updates[0]["data"][TENSOR_MIME]["shape"] == [2, 2]


def test_import_from_adlab_in_a_cell(kc):
    ex = run(kc, 'import { np as np2 } from "adlab";\nnp2.zeros([3]).shape')
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.result["data"]["text/plain"] == "[ 3 ]"


def test_declarations_carry_over_between_cells(kc):
    assert run(kc, "const t = np.eye(3);").reply["status"] == "ok"
    ex = run(kc, "const shape: readonly number[] = t.shape;\nshape.length")
    assert ex.result["data"]["text/plain"] == "2", ex.summary()


def test_stdout_is_a_stream(kc):
    ex = run(kc, 'console.log("hello")')
    assert [s["text"] for s in ex.of_type("stream")] == ["hello\n"]
    assert ex.of_type("execute_result") == []


def test_type_only_exports_are_in_scope(kc):
    ex = run(kc, "const kind: DType = 'float64';\nconst tree: TensorLike = [[1, 2]];\nkind")
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.result["data"]["text/plain"] == "float64"

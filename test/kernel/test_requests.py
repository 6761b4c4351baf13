"""Protocol details beyond jupyter_kernel_test: silent and store_history, user_expressions,
inspection of unknown names, history with output, kernel_info's protocol version."""

from kernel_client import collect, run, send


def count_now(kc):
    return run(kc, "0").reply["execution_count"]


def test_silent_code_broadcasts_no_input_or_result_and_keeps_the_count(kc):
    before = count_now(kc)
    ex = collect(kc, send(kc, "console.log('side'); 40 + 2", silent=True))
    assert ex.reply["status"] == "ok"
    kinds = [m["header"]["msg_type"] for m in ex.messages]
    assert "execute_input" not in kinds and "execute_result" not in kinds, kinds
    assert count_now(kc) == before + 1  # only the probe cell counted


def test_store_history_false_keeps_the_count_and_the_history(kc):
    before = count_now(kc)
    ex = collect(kc, send(kc, "'not stored'", store_history=False))
    assert ex.result["data"]["text/plain"] == "not stored"
    assert ex.reply["execution_count"] == before
    assert count_now(kc) == before + 1
    history = kc.history(hist_access_type="search", pattern="*not stored*", reply=True)["content"]
    assert history["history"] == []


def test_user_expressions_are_evaluated_after_the_cell(kc):
    ex = collect(
        kc,
        send(
            kc,
            "const ue = np.array([1, 2, 3]);",
            user_expressions={"n": "ue.shape[0] * 10", "typed": "(ue.size as number) + 1", "bad": "nope.x"},
        ),
    )
    results = ex.reply["user_expressions"]
    assert results["n"] == {"status": "ok", "data": {"text/plain": "30"}, "metadata": {}}
    assert results["typed"]["data"]["text/plain"] == "4"
    assert results["bad"]["status"] == "error"
    assert results["bad"]["ename"] == "ReferenceError"


def test_inspect_of_an_unknown_name_is_not_found(kc):
    reply = kc.inspect("noSuchNameAnywhere", reply=True)["content"]
    assert reply["status"] == "ok" and reply["found"] is False
    found = kc.inspect("np.zeros", reply=True)["content"]
    assert found["found"] is True and "zeros" in found["data"]["text/plain"]


def test_history_tail_with_output_and_range(kc):
    ex = run(kc, "'remember me'")
    line = ex.reply["execution_count"]
    tail = kc.history(hist_access_type="tail", n=1, output=True, reply=True)["content"]["history"]
    assert tail == [[1, line, ["'remember me'", "remember me"]]]
    rng = kc.history(hist_access_type="range", session=0, start=line, stop=line + 1, reply=True)
    assert rng["content"]["history"] == [[1, line, "'remember me'"]]


def test_completion_is_filtered_by_the_typed_prefix(kc):
    reply = kc.complete("np.lin", reply=True)["content"]
    assert reply["matches"] and all(m.startswith("lin") for m in reply["matches"])
    assert (reply["cursor_start"], reply["cursor_end"]) == (3, 6)


def test_kernel_info_speaks_protocol_5_4(kc):
    reply = kc.kernel_info(reply=True)
    assert reply["content"]["protocol_version"] == "5.4"
    assert reply["header"]["version"] == "5.4"

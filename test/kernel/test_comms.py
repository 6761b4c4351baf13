"""Comms over the real protocol: opened from either side, messages both ways, close, comm_info,
and malformed messages that leave the kernel (and the comm) working."""

import uuid

import pytest

from kernel_client import iopub_until_idle, run

ECHO_TARGET = """
registerCommTarget('test.echo', (comm, data) => {
  comm.send({ opened: data });
  comm.onMessage(async (msg, buffers) => {
    if (msg.fail) throw new Error('handler boom');
    if (msg.wait) await new Promise((resolve) => setTimeout(resolve, Number(msg.wait)));
    comm.send({ echo: msg, sizes: buffers.map((b) => b.byteLength) }, [new Uint8Array([7, 8, 9])]);
  });
  comm.onClose((data) => console.log('closed with', JSON.stringify(data)));
});
"""


def send_shell(kc, msg_type, content, buffers=None):
    """Sends a shell message from the frontend side; returns its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    return msg["header"]["msg_id"]


def of_type(messages, msg_type):
    return [m for m in messages if m["header"]["msg_type"] == msg_type]


def stderr_of(messages):
    return "".join(m["content"]["text"] for m in of_type(messages, "stream") if m["content"]["name"] == "stderr")


def comm_info(kc, target=None):
    content = {} if target is None else {"target_name": target}
    msg_id = send_shell(kc, "comm_info_request", content)
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            assert reply["header"]["msg_type"] == "comm_info_reply"
            assert reply["content"]["status"] == "ok"
            return reply["content"]["comms"]


@pytest.fixture(scope="module")
def echo(kernel):
    """A comm opened from the frontend to the kernel's 'test.echo' target: (client, comm id)."""
    kc = kernel[1]
    assert run(kc, ECHO_TARGET).reply["status"] == "ok"
    comm_id = uuid.uuid4().hex
    msg_id = send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "test.echo", "data": {"a": 1}})
    [opened] = of_type(iopub_until_idle(kc, msg_id), "comm_msg")
    assert opened["content"] == {"comm_id": comm_id, "data": {"opened": {"a": 1}}}
    return kc, comm_id


def echo_round_trip(kc, comm_id, data, buffers=None):
    msg_id = send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": data}, buffers)
    return iopub_until_idle(kc, msg_id)


def test_frontend_opened_comm_answers_with_the_message_and_buffers(echo):
    kc, comm_id = echo
    messages = echo_round_trip(kc, comm_id, {"x": [1, 2]}, [b"abcd", b"ef"])
    [reply] = of_type(messages, "comm_msg")
    assert reply["content"]["comm_id"] == comm_id
    assert reply["content"]["data"] == {"echo": {"x": [1, 2]}, "sizes": [4, 2]}
    assert [bytes(b) for b in reply["buffers"]] == [bytes([7, 8, 9])]


def test_an_async_handler_replies_before_idle_with_the_message_as_parent(echo):
    kc, comm_id = echo
    messages = echo_round_trip(kc, comm_id, {"wait": 200})
    assert [m["content"]["data"]["echo"] for m in of_type(messages, "comm_msg")] == [{"wait": 200}]


def test_comm_info_lists_open_comms_filtered_by_target(echo):
    kc, comm_id = echo
    assert comm_info(kc)[comm_id] == {"target_name": "test.echo"}
    assert comm_id in comm_info(kc, "test.echo")
    assert comm_info(kc, "no.such.target") == {}


def test_malformed_comm_messages_are_reported_and_the_comm_keeps_working(echo):
    kc, comm_id = echo
    missing = iopub_until_idle(kc, send_shell(kc, "comm_msg", {"data": {"x": 1}}))
    assert "comm_msg: the message has no comm_id" in stderr_of(missing)
    unknown = iopub_until_idle(kc, send_shell(kc, "comm_msg", {"comm_id": "nope", "data": {}}))
    assert "no open comm has the id 'nope'" in stderr_of(unknown)
    failing = echo_round_trip(kc, comm_id, {"fail": True})
    assert "handler boom" in stderr_of(failing)
    assert of_type(failing, "comm_msg") == []
    not_json_data = echo_round_trip(kc, comm_id, "not an object")  # data must be an object
    assert of_type(not_json_data, "comm_msg")[0]["content"]["data"]["echo"] == {}
    again = echo_round_trip(kc, comm_id, {"still": "alive"})
    assert of_type(again, "comm_msg")[0]["content"]["data"]["echo"] == {"still": "alive"}
    assert run(kc, "1 + 1").result["data"]["text/plain"] == "2"


def test_comm_open_to_an_unknown_target_is_closed_at_once(kc):
    comm_id = uuid.uuid4().hex
    messages = iopub_until_idle(
        kc, send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "missing", "data": {}})
    )
    assert [m["content"]["comm_id"] for m in of_type(messages, "comm_close")] == [comm_id]
    assert "no comm target is registered as \"missing\"" in stderr_of(messages)
    assert comm_id not in comm_info(kc)


def test_kernel_opened_comm_messages_both_ways_and_close(kc):
    ex = run(
        kc,
        "const k = openComm('test.front', { hello: 1 });\n"
        "k.onMessage((data) => k.send({ got: data }));\n"
        "k.onClose((data) => console.log('front closed', JSON.stringify(data)));\n"
        "k.commId",
    )
    assert ex.reply["status"] == "ok", ex.summary()
    [opened] = ex.of_type("comm_open")
    comm_id = ex.result["data"]["text/plain"].strip("'")
    assert opened == {"comm_id": comm_id, "target_name": "test.front", "data": {"hello": 1}}
    assert comm_info(kc, "test.front") == {comm_id: {"target_name": "test.front"}}

    # A message from the frontend, answered by the handler while no cell runs.
    msg_id = send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": {"n": 5}})
    [answer] = of_type(iopub_until_idle(kc, msg_id), "comm_msg")
    assert answer["parent_header"]["msg_id"] == msg_id
    assert answer["content"]["data"] == {"got": {"n": 5}}

    # A message from a cell goes out with the cell as parent.
    ex = run(kc, "k.send({ from: 'cell' })")
    assert [m["data"] for m in ex.of_type("comm_msg")] == [{"from": "cell"}]

    closed = iopub_until_idle(kc, send_shell(kc, "comm_close", {"comm_id": comm_id, "data": {"bye": 1}}))
    assert "".join(m["content"]["text"] for m in of_type(closed, "stream")) == 'front closed {"bye":1}\n'
    assert comm_info(kc, "test.front") == {}
    ex = run(kc, "k.closed")
    assert ex.result["data"]["text/plain"] == "true"
    ex = run(kc, "k.send({ late: true })")
    assert ex.reply["status"] == "error"
    assert "is closed" in ex.error["evalue"]


def test_kernel_side_close_sends_comm_close(kc):
    ex = run(kc, "const k2 = openComm('test.front');\nk2.close({ done: true });\nk2.commId")
    comm_id = ex.result["data"]["text/plain"].strip("'")
    assert ex.of_type("comm_close") == [{"comm_id": comm_id, "data": {"done": True}}]
    assert comm_id not in comm_info(kc)

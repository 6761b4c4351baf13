"""The transforms' types reach notebook cells: a misuse of `grad` is a type error at the cell
(under the kernel's TypeScript, not only the project's), and typed results need no casts."""

from kernel_client import run

LOSS = (
    "interface TypedParams { w: Tensor; b: Tensor }\n"
    "const typedP0: TypedParams = { w: np.array([0.5, -1], 'float64'), b: np.array(0.25, 'float64') };\n"
    # sum((w + b)²) at w = [0.5, -1], b = 0.25: 1.125; d/dw = 2(w + b) = [1.5, -1.5]; d/db = 0
    "const typedLoss = (p: TypedParams) => np.sum(np.square(np.add(p.w, p.b)));"
)


def type_error(kc, code):
    ex = run(kc, code)
    assert ex.reply["status"] == "error", ex.summary()
    assert ex.error["ename"] == "TSError", ex.summary()
    return ex.error["evalue"]


def test_a_pytree_gradient_assigned_to_a_tensor_is_a_type_error_at_the_cell(kc):
    assert run(kc, LOSS).reply["status"] == "ok"
    message = type_error(kc, "const bad: Tensor = grad(typedLoss)(typedP0);")
    assert "'{ w: Tensor; b: Tensor; }' is missing the following properties from type 'Tensor'" in message, (
        message
    )


def test_extra_arguments_to_a_gradient_are_a_type_error(kc):
    message = type_error(kc, "grad(typedLoss)(typedP0, 3, 'x');")
    assert "Expected 1 arguments, but got 3" in message, message


def test_typed_results_need_no_casts(kc):
    ex = run(
        kc,
        "const typedG = grad(typedLoss)(typedP0);\n"
        "const [typedV, typedVg] = valueAndGrad(typedLoss)(typedP0);\n"
        "const typedH: Tensor = hessian((t: Tensor) => np.sum(np.pow(t, 3)))(np.array([1, 2], 'float64'));\n"
        "[typedG.w.toArray(), typedV.item(), typedVg.b.item(), typedH.toArray()]",
    )
    assert ex.reply["status"] == "ok", ex.summary()
    assert ex.result["data"]["text/plain"].replace("\n", "").replace(" ", "") == (
        "[[1.5,-1.5],1.125,0,[[6,0],[0,12]]]"
    ), ex.result["data"]["text/plain"]

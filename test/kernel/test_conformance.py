"""The ecosystem's kernel conformance suite (jupyter_kernel_test) run against the adlab kernel.

Every test of the suite is configured. The one skip: `test_pager`, because TypeScript has no
`x?` help syntax that pages output (inspection is answered by inspect_request instead).
"""

import unittest

import jupyter_kernel_test as jkt

from kernel_client import KERNEL_NAME, ROOT


class AdlabKernelTests(jkt.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls) -> None:
        cls.km, cls.kc = jkt.start_new_kernel(kernel_name=cls.kernel_name, cwd=str(ROOT / "notebooks"))

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("some error")'

    completion_samples = [
        {"text": "np.zerosL", "matches": {"zerosLike"}},
        {"text": "Math.cbr", "matches": {"cbrt"}},
        {"text": "const abcdef = 1;\nabcd", "matches": {"abcdef"}},
    ]

    complete_code_samples = [
        "1 + 1",
        "const a = [1, 2];",
        "`template ${1 + 1} done`",
        "function f() {\n  return 1;\n}",
        "if (true) {\n  console.log(1);\n}",
    ]
    incomplete_code_samples = [
        "const s = `open template",
        "const s = `a ${ {b: 1}",
        "function f() {",
        "[1, 2,",
        "foo(1,",
        "const x =",
        "/* an open comment",
    ]
    invalid_code_samples = ["1 +* 2", ")", "(]", "let 5 = 3", "'a broken string"]

    code_page_something = ""  # no pager in TypeScript: see the module docstring

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "ab"},
        {"code": "np.arange(3)", "mime": "application/vnd.adlab.tensor.v1+json"},
    ]
    code_display_data = [
        {"code": "display(np.eye(2))", "mime": "application/vnd.adlab.tensor.v1+json"},
        {"code": "display('shown')", "mime": "text/plain"},
    ]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "np.zeros"

    code_clear_output = "clearOutput({ wait: true })"


class AdlabIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = KERNEL_NAME
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()

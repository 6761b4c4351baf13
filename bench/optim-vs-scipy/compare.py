"""Runs scipy.optimize (L-BFGS-B, BFGS, Newton-CG) on the problems in results.json, with the same
starts, and prints a table beside adlab's runs: iterations, evaluations and final accuracy."""

import json
import pathlib
import sys

import numpy as np
import scipy
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess_prod


def objective(spec):
    """Returns f, grad and Hessian-vector product of a problem described in results.json."""
    if spec["kind"] == "rosenbrock":
        return rosen, rosen_der, rosen_hess_prod
    if spec["kind"] == "quadratic":
        a = np.array(spec["A"])
        return (lambda x: 0.5 * x @ a @ x), (lambda x: a @ x), (lambda x, v: a @ v)
    if spec["kind"] == "logistic":
        x_, y, l2 = np.array(spec["X"]), np.array(spec["y"]), spec["l2"]
        n = len(y)

        def f(w):
            z = x_ @ w
            return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * l2 * w @ w

        def g(w):
            p = 1 / (1 + np.exp(-(x_ @ w)))
            return x_.T @ (p - y) / n + l2 * w

        def hp(w, v):
            p = 1 / (1 + np.exp(-(x_ @ w)))
            return x_.T @ (p * (1 - p) * (x_ @ v)) / n + l2 * v

        return f, g, hp
    raise ValueError(spec["kind"])


SCIPY = {
    "L-BFGS-B": dict(options=dict(gtol=1e-6, ftol=1e-15, maxiter=1000, maxcor=10)),
    "BFGS": dict(options=dict(gtol=1e-6, maxiter=1000)),
    "Newton-CG": dict(options=dict(xtol=1e-10, maxiter=1000)),
}


def main():
    here = pathlib.Path(__file__).parent
    results = json.loads((here / "results.json").read_text())
    print(f"scipy {scipy.__version__}, numpy {np.__version__}; adlab tol: |g|_2 <= 1e-6")
    head = f"{'problem':<20} {'method':<18} {'iters':>6} {'f evals':>8} {'g evals':>8} {'HVPs':>6} {'final f':>11} {'|g|':>9} {'max|x-x*|':>10}"
    print(head)
    print("-" * len(head))
    for item in results:
        f, g, hp = objective(item["spec"])
        x0, ref = np.array(item["x0"]), np.array(item["reference"])
        rows = []
        for name, r in item["runs"].items():
            e = r["evals"]
            rows.append((f"adlab {name}", r["iterations"], e["f"], e["grad"], e["hvp"], r["fun"], r["gradNorm"], r["error"]))
        for name, kw in SCIPY.items():
            extra = {"hessp": hp} if name == "Newton-CG" else {}
            res = minimize(f, x0, jac=g, method=name, **extra, **kw)
            rows.append((
                f"scipy {name}",
                res.nit,
                res.nfev,
                res.njev,
                getattr(res, "nhev", 0),
                res.fun,
                float(np.linalg.norm(g(res.x))),
                float(np.max(np.abs(res.x - ref))),
            ))
        for name, it, nf, ng, nh, fun, gn, err in rows:
            print(f"{item['problem']:<20} {name:<18} {it:>6} {nf:>8} {ng:>8} {nh:>6} {fun:>11.3e} {gn:>9.2e} {err:>10.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

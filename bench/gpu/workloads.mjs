// The GPU benchmark's workloads (float32 on the device), each checked against float64 in plain
// JavaScript (bench/perf/reference.mjs): matmul n x n (64 sampled entries), the elementwise
// chain tanh(x)*x + exp(-x), one SGD step of the 784-256-256-10 relu MLP, and the HVP of its loss
// with respect to W1. Sizes come from the command line (run.mjs): big on a GPU, small on llvmpipe.
import { matmulData, mlpData, randomF32, relErr } from '../perf/data.mjs';
import {
  elementwiseReference,
  matmulSample,
  mlpReference,
  sgdReference,
} from '../perf/reference.mjs';

const positions = (n) => Array.from({ length: 64 }, (_, t) => [(t * 37) % n, (t * 101 + 3) % n]);

/** The workloads for the sizes given. */
export function workloads({ matmul, elements, batch }) {
  let mlpRef;
  const mlpOnce = (d) => (mlpRef ??= mlpReference(d));
  return [
    ...matmul.map((n) => ({
      id: `matmul${n}`,
      name: `matmul ${n}x${n} float32`,
      unit: 'GFLOP/s',
      perSample: (ms) => (2 * n ** 3) / (ms * 1e6),
      data: () => matmulData(n),
      run: 'matmul',
      reference: (d) => matmulSample(d, positions(n)),
      check: (out, ref) =>
        relErr(
          positions(n).map(([i, j]) => out[i * n + j]),
          ref,
        ),
      tol: 1e-4,
    })),
    {
      id: 'elementwise',
      name: `tanh(x)*x + exp(-x), ${elements.toExponential(0)} floats`,
      unit: 'ms',
      data: () => randomF32(elements, 3, 3),
      run: 'elementwise',
      reference: elementwiseReference,
      check: relErr,
      tol: 1e-5,
    },
    {
      id: 'mlp',
      name: `MLP step 784-256-256-10 batch ${batch} (SGD)`,
      unit: 'ms',
      data: () => mlpData(batch),
      run: 'mlp',
      reference: (d) => sgdReference(d, mlpOnce(d)),
      check: (out, ref, d) => {
        const w3 = d.params[4].data;
        const dW3 = Array.from(out.w3, (w, i) => w - w3[i]);
        return Math.max(Math.abs(out.loss - ref.loss) / Math.abs(ref.loss), relErr(dW3, ref.dW3));
      },
      tol: 2e-3,
    },
    {
      id: 'hvp',
      name: `HVP of that MLP's loss w.r.t. W1, batch ${batch}`,
      unit: 'ms',
      data: () => mlpData(batch),
      run: 'hvp',
      reference: (d) => mlpOnce(d).hv,
      check: relErr,
      tol: 2e-3,
    },
  ];
}

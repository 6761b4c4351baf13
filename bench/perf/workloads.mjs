// The benchmark's workloads: inputs, how each engine's implementation is called, the float64
// reference, the check, the unit, and the target from issue 13 (ratios measured in one run).
import { chainData, elementwiseData, matmulData, mlpData, relErr, tanhData } from './data.mjs';
import {
  adamReference,
  chainReference,
  elementwiseReference,
  hessianReference,
  jacobianReference,
  matmulSample,
  mlpReference,
  sgdReference,
} from './reference.mjs';

/** The engines, in table order; each runs in its own process. */
export const ENGINES = ['adlab', 'adlab jit', 'tfjs wasm 1t', 'jax-js eager', 'jax-js jit'];
export const PEERS = ['tfjs cpu', 'tfjs wasm 1t', 'jax-js eager', 'jax-js jit'];

let mlpRef;
const mlpReferenceOnce = (d) => (mlpRef ??= mlpReference(d));

/** What a step of the MLP checks: the loss before it and how W3 moved. */
const checkStep = (d) => (out, ref) => {
  const w3 = d.params[4].data;
  const dW3 = Array.from(out.w3, (w, i) => w - w3[i]);
  return Math.max(Math.abs(out.loss - ref.loss) / Math.abs(ref.loss), relErr(dW3, ref.dW3));
};

function matmul(n, dtype = 'float32') {
  const pos = Array.from({ length: 64 }, (_, t) => [(t * 37) % n, (t * 101 + 3) % n]);
  return {
    id: `matmul${n}${dtype === 'float64' ? 'f64' : ''}`,
    name: `matmul ${n}x${n} ${dtype}, one thread`,
    unit: 'GFLOP/s',
    perSample: (ms) => (2 * n ** 3) / (ms * 1e6),
    data: () => matmulData(n),
    make: (impl, d) => impl.matmul?.(d),
    reference: (d) => matmulSample(d, pos),
    check: (out, ref) =>
      relErr(
        pos.map(([i, j]) => out[i * n + j]),
        ref,
      ),
    tol: 1e-4,
    tolF64: 1e-12,
    // matmul under jit is the same single kernel
    engines:
      dtype === 'float32' ? ['adlab', 'tfjs wasm 1t', 'jax-js eager'] : ['adlab f64', 'adlab'],
    target:
      dtype === 'float32'
        ? { text: '>= 1.3x tfjs wasm 1t', adlab: 'adlab', peer: 'tfjs wasm 1t', max: 1 / 1.3 }
        : undefined,
  };
}

const mlpStep = {
  id: 'mlp',
  name: 'MLP step 784-256-256-10 b128 (SGD)',
  unit: 'ms',
  data: mlpData,
  make: (impl, d) => impl.mlp?.(d),
  reference: (d) => sgdReference(d, mlpReferenceOnce(d)),
  check: (out, ref, d) => checkStep(d)(out, ref),
  tol: 1e-3,
  tolF64: 1e-9,
  target: { text: 'jit <= 0.8x jax-js jit', adlab: 'adlab jit', peer: 'jax-js jit', max: 0.8 },
};

export const WORKLOADS = [
  matmul(256),
  matmul(1024),
  mlpStep,
  {
    id: 'adam',
    name: 'Adam step on that MLP',
    unit: 'ms',
    data: mlpData,
    make: (impl, d) => impl.adam?.(d),
    reference: (d) => adamReference(d, mlpReferenceOnce(d)),
    check: (out, ref, d) => checkStep(d)(out, ref),
    tol: 1e-3,
    target: { text: 'jit <= 0.8x jax-js jit', adlab: 'adlab jit', peer: 'jax-js jit', max: 0.8 },
  },
  {
    id: 'elementwise',
    name: 'tanh(x)*x + exp(-x), 1e6 floats',
    unit: 'ms',
    data: elementwiseData,
    make: (impl, d) => impl.elementwise?.(d),
    reference: elementwiseReference,
    check: relErr,
    tol: 1e-6,
    target: { text: '<= 0.8x best peer', adlab: 'best', peer: 'best', max: 0.8 },
  },
  {
    id: 'hessian',
    name: 'dense Hessian of sum(tanh(A x)), n=100',
    unit: 'ms',
    data: () => tanhData(100, 31),
    make: (impl, d) => impl.hessian?.(d),
    reference: hessianReference,
    check: relErr,
    tol: 1e-4,
    target: { text: '<= 1.0x jax-js jit', adlab: 'best', peer: 'jax-js jit', max: 1.0 },
  },
  {
    id: 'jacrev',
    name: 'jacrev of tanh(A x), R^200 -> R^200',
    unit: 'ms',
    data: () => tanhData(200, 41),
    make: (impl, d) => impl.jacrev?.(d),
    reference: jacobianReference,
    check: relErr,
    tol: 1e-4,
    target: { text: '<= 0.8x best peer', adlab: 'best', peer: 'best', max: 0.8 },
  },
  {
    id: 'hvp',
    name: 'HVP of the MLP loss w.r.t. W1',
    unit: 'ms',
    data: mlpData,
    make: (impl, d) => impl.hvp?.(d),
    reference: (d) => mlpReferenceOnce(d).hv,
    check: relErr,
    tol: 1e-3,
  },
  {
    id: 'chain',
    name: '1000 chained ops, 16 floats, forward',
    unit: 'µs/op',
    perSample: (ms) => ms,
    data: chainData,
    make: (impl, d) => impl.chain?.(d, false),
    reference: (d) => chainReference(d).value,
    check: relErr,
    tol: 1e-4,
  },
  {
    id: 'chainGrad',
    name: '1000 chained ops, 16 floats, with grad',
    unit: 'µs/op',
    perSample: (ms) => ms,
    data: chainData,
    make: (impl, d) => impl.chain?.(d, true),
    reference: (d) => chainReference(d).grad,
    check: relErr,
    tol: 1e-3,
    target: { text: 'eager < 3 µs/op', adlab: 'adlab', absolute: 3 },
  },
  matmul(256, 'float64'),
  matmul(1024, 'float64'),
  {
    ...mlpStep,
    id: 'mlpf64',
    name: 'MLP step float64',
    engines: ['adlab f64', 'adlab'],
    target: undefined,
  },
];

export const workloadById = (id) => WORKLOADS.find((w) => w.id === id);

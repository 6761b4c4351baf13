/**
 * A traced program (what `jit` records, like a jaxpr): input variables, one equation per
 * primitive application, and outputs. Running it binds each primitive in order, so a program
 * runs under every transform (grad of a jitted function differentiates the replayed primitives).
 */
import type { AnyPrimitive, Aval } from '../core/primitive';
import { fmt } from '../core/shape';
import { bind, hasEvalObserver, isTracing } from '../core/trace';
import { ConcreteTensor, type Tensor } from '../core/tensor';
import { getBackend } from '../backends';
import type { Backend, TranscendentalPolicy } from '../backends/backend';
import { fuse, runFused, type Step } from './fusion';
import { adopt, detached, planBuffers, settle, stepOutputs, type BufferPlan } from './buffer-plan';
import {
  foldTransposes,
  runTransposedMatmul,
  type TransposedMatmulStep,
} from './transposed-matmul';

/** An operand: a variable of the program, or a constant captured while tracing. */
export type Atom = { readonly variable: number } | { readonly constant: Tensor };

/** One primitive application: `outputs = prim(inputs; params)`. */
export interface Equation {
  readonly prim: AnyPrimitive;
  readonly inputs: readonly Atom[];
  readonly params: unknown;
  readonly outputs: readonly number[];
}

/** A straight-line program over variables numbered from 0; `avals[v]` is variable v's type. */
export class Program {
  constructor(
    readonly inputs: readonly number[],
    readonly equations: readonly Equation[],
    readonly outputs: readonly Atom[],
    readonly avals: readonly Aval[],
  ) {}

  /** Plans by backend and policy (which ops a backend runs natively decides what is fused). */
  private readonly plans = new Map<string, (Step | TransposedMatmulStep)[]>();

  /**
   * The steps a concrete run on `backend` (default: the active one) takes: equations,
   * elementwise chains fused (their transcendentals computed as `policy` says), and transposes
   * folded into matmuls where the backend reads transposed operands.
   */
  steps(
    backend: Backend = getBackend(),
    policy: TranscendentalPolicy = 'exact',
  ): readonly (Step | TransposedMatmulStep)[] {
    const key = `${backend.name} ${policy}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      const fused = fuse(this.equations, this.outputs, this.avals, backend, policy);
      plan = backend.matmulTransposes ? foldTransposes(fused, this.outputs, this.avals) : fused;
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Buffer plans by backend and policy, for backends with an arena. */
  private readonly buffers = new Map<string, BufferPlan>();

  /** Where the intermediates of a run of `steps(backend, policy)` live in the arena's frame. */
  bufferPlan(backend: Backend = getBackend(), policy: TranscendentalPolicy = 'exact'): BufferPlan {
    const key = `${backend.name} ${policy}`;
    let plan = this.buffers.get(key);
    if (plan === undefined) {
      plan = planBuffers(this.steps(backend, policy), this.outputs, this.avals);
      this.buffers.set(key, plan);
    }
    return plan;
  }

  /** The devices the program's constants lie on (found on the first concrete run). */
  private constantDevices?: ReadonlySet<string>;

  /**
   * The backend a concrete run of the planned steps uses: the one holding the arguments, when
   * they and the constants all lie on one device; else undefined (the equations are bound one by
   * one, and each operation puts its operands on one device, as eagerly).
   */
  private planBackend(args: readonly Tensor[]): Backend | undefined {
    if (isTracing() || hasEvalObserver()) return undefined;
    if (!args.every((a) => a instanceof ConcreteTensor)) return undefined;
    const backend = args.length > 0 ? (args[0] as ConcreteTensor).backend : getBackend();
    const device = backend.device ?? 'cpu';
    if (args.some((a) => a.device !== device)) return undefined;
    if (this.constantDevices === undefined) {
      const devices = new Set<string>();
      const note = (a: Atom) => {
        if ('constant' in a) devices.add(a.constant.device);
      };
      this.equations.forEach((eq) => eq.inputs.forEach(note));
      this.outputs.forEach(note);
      this.constantDevices = devices;
    }
    for (const d of this.constantDevices) if (d !== device) return undefined;
    return backend;
  }

  /**
   * Runs the program on `args` (one tensor per input variable) and returns the outputs. Under a
   * transform (or a tool observing every kernel) each equation is bound, so the transform sees
   * every primitive; on concrete values alone the fused steps run, their float32
   * transcendentals computed as `policy` says, and on a backend with an arena their results stay
   * in the planned slots of a frame opened for this run (outputs copied out).
   */
  run(args: readonly Tensor[], policy: TranscendentalPolicy = 'exact'): Tensor[] {
    const env = new Array<Tensor | undefined>(this.avals.length);
    this.inputs.forEach((v, i) => (env[v] = args[i]));
    const adopted = new Map<Tensor, Tensor>(); // constants copied into the frame
    const read = (a: Atom): Tensor =>
      'constant' in a ? (adopted.get(a.constant) ?? a.constant) : (env[a.variable] as Tensor);
    const backend = this.planBackend(args);
    // A planned step's result is committed to its device when an argument is (as eagerly).
    const commit = backend !== undefined && args.some((a) => (a as ConcreteTensor).committed);
    const planned = (y: ConcreteTensor) => {
      if (commit) y.committed = true;
      return y;
    };
    const buffers = backend?.arena && this.bufferPlan(backend, policy);
    const frame = buffers && backend.arena!.open(buffers.bytes);
    try {
      for (const { atom, slot } of buffers?.adopted ?? []) {
        const y = adopt(frame!, read(atom), slot.offset);
        if ('variable' in atom) env[atom.variable] = y;
        else adopted.set(atom.constant, y);
      }
      const steps = backend ? this.steps(backend, policy) : this.equations;
      steps.forEach((step, i) => {
        const slot = buffers?.slots[i];
        frame?.place(slot);
        let ys: Tensor[];
        if ('fused' in step) {
          ys = [planned(runFused(step, step.inputs.map(read) as ConcreteTensor[]))];
        } else if ('transposedMatmul' in step) {
          const [a, b] = step.inputs.map(read) as ConcreteTensor[];
          ys = [planned(runTransposedMatmul(step, [a, b]))];
        } else {
          ys = bind(step.prim, step.inputs.map(read), step.params);
        }
        stepOutputs(step).forEach((v, j) => (env[v] = frame ? settle(frame, slot, ys[j]) : ys[j]));
      });
      frame?.place();
      const outs = this.outputs.map(read);
      return frame ? outs.map((y) => detached(frame, y)) : outs;
    } finally {
      frame?.close();
    }
  }

  /** The program as text, in the style of a jaxpr: `{ lambda ; a:f32[3]. let b = exp a in (b) }`. */
  toString(): string {
    const name = (v: number) => `v${v}`;
    const typed = (v: number) => `${name(v)}:${short(this.avals[v])}`;
    const atom = (a: Atom) => ('constant' in a ? `const:${short(a.constant)}` : name(a.variable));
    const lines = this.equations.map((eq) => {
      const params = paramText(eq.params);
      return `    ${eq.outputs.map(typed).join(' ')} = ${eq.prim.name}${params} ${eq.inputs.map(atom).join(' ')}`;
    });
    return [
      `{ lambda ${this.inputs.map(typed).join(' ')}. let`,
      ...lines,
      `  in (${this.outputs.map(atom).join(', ')}) }`,
    ].join('\n');
  }
}

const DTYPE_SHORT: Record<string, string> = {
  float32: 'f32',
  float64: 'f64',
  int32: 'i32',
  bool: 'bool',
};

function short(a: Aval): string {
  return `${DTYPE_SHORT[a.dtype] ?? a.dtype}${fmt(a.shape)}`;
}

/** Params other than functions and tensors, as `[k=v ...]`. */
function paramText(params: unknown): string {
  const entries = Object.entries((params ?? {}) as Record<string, unknown>).filter(
    ([, v]) => typeof v !== 'function' && (typeof v !== 'object' || v === null || Array.isArray(v)),
  );
  if (entries.length === 0) return '';
  return `[${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}]`;
}

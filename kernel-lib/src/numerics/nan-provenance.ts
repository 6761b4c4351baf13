/**
 * NaN/Inf provenance: run a computation with an observer on every kernel and name the first
 * primitive that made a non-finite value out of finite ones, in the forward or the backward pass,
 * with a summary of its inputs and the classic cause it matches.
 *
 * A non-finite value that never reaches the result (an unselected `where` branch, exp(-inf) = 0)
 * is not an error by itself, so events are judged when the computation ends: an event whose
 * values were all discarded is "masked". If a masked value re-enters (the backward pass of
 * `where` multiplies the unselected branch's derivative by a zero cotangent: 0 × NaN = NaN), the
 * primitive where it re-enters is a new event, with cause 'unselected-where'.
 */
import type { ConcreteTensor } from '../core/tensor';
import { isFloat } from '../core/dtype';
import { setEvalObserver } from '../core/trace';
import { inBackwardPass } from '../transforms/vjp';

/** The classic causes a non-finite value is matched against. */
export type NonFiniteCause =
  | 'log-domain'
  | 'sqrt-negative'
  | 'pow-domain'
  | 'exp-overflow'
  | 'division-by-zero'
  | 'zero-times-inf'
  | 'inf-minus-inf'
  | 'unselected-where'
  | 'overflow'
  | 'non-finite-input'
  | 'other';

const EXPLAIN: Record<NonFiniteCause, string> = {
  'log-domain':
    'log of zero (-inf) or of a negative number (NaN); clamp the argument or use log1p/logsumexp',
  'sqrt-negative': 'sqrt of a negative number',
  'pow-domain': 'a negative base raised to a non-integer power',
  'exp-overflow':
    'exp overflow (x > 88.7 in float32, 709.8 in float64); subtract the max first (logsumexp trick)',
  'division-by-zero': 'division by zero (x/0 = inf, 0/0 = NaN)',
  'zero-times-inf': '0 × inf = NaN',
  'inf-minus-inf': 'inf - inf = NaN',
  'unselected-where':
    "a zero cotangent meets an infinite or NaN local derivative of a where branch that was not selected (0 × inf = NaN); keep that branch finite with a second where on its input (the 'double where')",
  overflow: 'overflow: the result exceeds the largest finite value of the dtype',
  'non-finite-input':
    'a non-finite value that did not come from an observed primitive (an argument or a constant)',
  other: 'no classic cause matched',
};

/** Counts and range of one tensor. */
export interface ValueSummary {
  shape: number[];
  dtype: string;
  min: number;
  max: number;
  zeros: number;
  negatives: number;
  nans: number;
  infs: number;
}

/** One primitive run that produced non-finite values. */
export interface NonFiniteEvent {
  /** Order among all events of this run. */
  index: number;
  primitive: string;
  phase: 'forward' | 'backward';
  cause: NonFiniteCause;
  /** Why the cause is suspected, and the usual fix. */
  explanation: string;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /** True when every non-finite value it made was discarded before the end (not an error). */
  masked: boolean;
  /** The primitive that discarded them ('where', 'exp', ...), if masked. */
  maskedBy?: string;
  /** The earlier event whose values this one consumed, if any, and what it was. */
  parent?: number;
  parentSummary?: string;
}

/** Thrown by {@link debugNans}: names the primitive, the pass and the cause. */
export class NonFiniteError extends Error {
  readonly primitive: string;
  readonly phase: 'forward' | 'backward';
  override readonly cause: NonFiniteCause;
  constructor(readonly event: NonFiniteEvent) {
    super(describe(event));
    this.name = 'NonFiniteError';
    this.primitive = event.primitive;
    this.phase = event.phase;
    this.cause = event.cause;
  }
}

/** What {@link debugNans} returns with `throwOnFirst: false`. */
export interface NanReport<T> {
  result: T;
  /** Events not masked, in order: the first one is where the trouble starts. */
  events: NonFiniteEvent[];
  /** Every event, masked ones included. */
  allEvents: NonFiniteEvent[];
  first?: NonFiniteEvent;
  /** The event whose non-finite values `t` carries, if any (graph capture maps events to nodes). */
  eventOf(t: ConcreteTensor): NonFiniteEvent | undefined;
}

const fmtNum = (v: number) =>
  Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);

function fmtSummary(s: ValueSummary, i: number): string {
  const extras = [
    s.zeros && `${s.zeros} zero`,
    s.negatives && `${s.negatives} negative`,
    s.nans && `${s.nans} NaN`,
    s.infs && `${s.infs} inf`,
  ].filter(Boolean);
  const range = s.min <= s.max ? `min ${fmtNum(s.min)}, max ${fmtNum(s.max)}` : 'no finite values';
  return `#${i} ${s.dtype}[${s.shape}] (${range}${extras.length ? '; ' + extras.join(', ') : ''})`;
}

function describe(e: NonFiniteEvent): string {
  const made = e.outputs.map((o) =>
    [o.nans && 'NaN', o.infs && 'inf'].filter(Boolean).join(' and '),
  );
  const from =
    e.parent === undefined
      ? 'from finite inputs'
      : `from the values of event ${e.parent} (${e.parentSummary})`;
  return (
    `debugNans: '${e.primitive}' produced ${made.filter(Boolean).join(', ')} in the ${e.phase} pass ${from}. ` +
    `Cause: ${e.explanation}. Inputs: ${e.inputs.map(fmtSummary).join('; ')}`
  );
}

function summarize(t: ConcreteTensor): ValueSummary {
  const s: ValueSummary = {
    shape: [...t.shape],
    dtype: t.dtype,
    min: Infinity,
    max: -Infinity,
    zeros: 0,
    negatives: 0,
    nans: 0,
    infs: 0,
  };
  for (const v of t.readSync()) {
    if (Number.isNaN(v)) s.nans++;
    else if (!Number.isFinite(v)) {
      s.infs++;
      if (v < 0) s.negatives++;
    } else {
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      if (v === 0) s.zeros++;
      else if (v < 0) s.negatives++;
    }
  }
  return s;
}

const bad = (s: ValueSummary) => s.nans + s.infs > 0;
const LOG_MAX = { float32: Math.log(3.4028234663852886e38), float64: Math.log(Number.MAX_VALUE) };

/** Matches one primitive run against the classic causes. */
function classify(
  prim: string,
  ins: ValueSummary[],
  outs: ValueSummary[],
  phase: 'forward' | 'backward',
): NonFiniteCause {
  const anyIn = (p: (s: ValueSummary) => boolean) => ins.some(p);
  const nanOut = outs.some((o) => o.nans > 0);
  switch (prim) {
    case 'log':
      return anyIn((s) => s.zeros + s.negatives > 0) ? 'log-domain' : 'other';
    case 'log1p':
      return anyIn((s) => s.min <= -1) ? 'log-domain' : 'other';
    case 'sqrt':
      return anyIn((s) => s.negatives > 0) ? 'sqrt-negative' : 'other';
    case 'exp':
    case 'expm1':
      return ins[0].max > LOG_MAX[ins[0].dtype === 'float32' ? 'float32' : 'float64']
        ? 'exp-overflow'
        : 'overflow';
    case 'div':
      if (phase === 'backward' && nanOut && ins.some(bad)) return 'unselected-where';
      return ins[1]?.zeros ? 'division-by-zero' : 'overflow';
    case 'pow':
      if (ins[0].zeros && ins[1]?.negatives) return 'division-by-zero';
      return ins[0].negatives && nanOut ? 'pow-domain' : 'overflow';
    case 'mul':
      if (anyIn((s) => s.infs + s.nans > 0) && anyIn((s) => s.zeros > 0))
        return phase === 'backward' ? 'unselected-where' : 'zero-times-inf';
      if (phase === 'backward' && anyIn((s) => s.nans > 0)) return 'unselected-where';
      return 'overflow';
    case 'add':
    case 'sub':
      return anyIn((s) => s.infs > 0) && nanOut ? 'inf-minus-inf' : 'overflow';
    default:
      return outs.some((o) => o.infs > 0) && !nanOut ? 'overflow' : 'other';
  }
}

/** Options of {@link debugNans}. */
export interface DebugNansOptions {
  /** Throw a NonFiniteError for the first unmasked event (default true); else return a report. */
  throwOnFirst?: boolean;
}

/**
 * Runs `fn` watching every primitive; throws a NonFiniteError naming the first primitive that
 * produced a non-finite value (forward or backward pass) with its cause, or with
 * `{ throwOnFirst: false }` returns `{ result, events }`.
 * @example debugNans(() => grad((x: Tensor) => np.sum(np.sqrt(x)))(np.array([0, 1])))
 */
export function debugNans<T>(fn: () => T): T;
export function debugNans<T>(fn: () => T, options: { throwOnFirst: false }): NanReport<T>;
export function debugNans<T>(fn: () => T, options?: DebugNansOptions): T | NanReport<T>;
export function debugNans<T>(fn: () => T, options: DebugNansOptions = {}): T | NanReport<T> {
  const events: NonFiniteEvent[] = [];
  const stats = new WeakMap<ConcreteTensor, ValueSummary>();
  const carrier = new WeakMap<ConcreteTensor, NonFiniteEvent>();
  const summary = (t: ConcreteTensor) => {
    let s = stats.get(t);
    if (!s) stats.set(t, (s = summarize(t)));
    return s;
  };
  const previous = setEvalObserver((prim, xs, ys) => {
    const floatOuts = ys.filter((y) => isFloat(y.dtype));
    if (floatOuts.length === 0) return;
    const badIns = xs.filter((x) => isFloat(x.dtype) && bad(summary(x)));
    const outStats = floatOuts.map(summary);
    const parents = badIns.map((x) => carrier.get(x)).filter((e): e is NonFiniteEvent => !!e);
    const phase = inBackwardPass() ? 'backward' : 'forward';
    if (!outStats.some(bad)) {
      // Every non-finite input value was discarded here.
      for (const p of parents)
        if (!p.masked) Object.assign(p, { masked: true, maskedBy: prim.name });
      return;
    }
    const masked = parents.find((p) => p.masked);
    let event: NonFiniteEvent | undefined;
    const make = (cause: NonFiniteCause, parent?: NonFiniteEvent): NonFiniteEvent => {
      const ins = xs.map(summary);
      const e: NonFiniteEvent = {
        index: events.length,
        primitive: prim.name,
        phase,
        cause,
        explanation: EXPLAIN[cause],
        inputs: ins,
        outputs: outStats,
        masked: false,
      };
      if (parent) {
        e.parent = parent.index;
        e.parentSummary = `'${parent.primitive}' in the ${parent.phase} pass, ${parent.cause}${parent.masked ? `, masked by '${parent.maskedBy}'` : ''}`;
      }
      events.push(e);
      return e;
    };
    const ins = () => xs.map(summary);
    if (badIns.length === 0) event = make(classify(prim.name, ins(), outStats, phase));
    else if (masked && phase === 'forward') {
      // The value was used after all: the masked event is live again.
      masked.masked = false;
      delete masked.maskedBy;
      event = masked;
    } else if (masked)
      // A value the forward pass discarded re-enters through a backward rule.
      event = make(masked.maskedBy === 'where' ? 'unselected-where' : masked.cause, masked);
    else if (parents.length === 0) event = make('non-finite-input');
    else {
      const newNaN = outStats.some((o) => o.nans > 0) && badIns.every((x) => summary(x).nans === 0);
      event = newNaN ? make(classify(prim.name, ins(), outStats, phase), parents[0]) : parents[0];
    }
    floatOuts.forEach((y, i) => bad(outStats[i]) && carrier.set(y, event!));
  });
  let result: T;
  try {
    result = fn();
  } finally {
    setEvalObserver(previous);
  }
  const live = events.filter((e) => !e.masked);
  if (options.throwOnFirst ?? true) {
    if (live.length) throw new NonFiniteError(live[0]);
    return result;
  }
  const eventOf = (t: ConcreteTensor) => carrier.get(t);
  return { result, events: live, allEvents: events, first: live[0], eventOf };
}

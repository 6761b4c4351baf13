/**
 * Learning-rate schedules: functions from the step count (0, 1, 2, ...) to a step size, usable
 * wherever an optimizer takes `lr`.
 */
import { integer, positive, inRange } from './options';

/** A step size as a function of the iteration count. */
export type Schedule = (count: number) => number;

/** A learning rate: a fixed number or a schedule. */
export type LearningRate = number | Schedule;

/** Resolves a learning rate at a count. */
export function lrAt(lr: LearningRate, count: number): number {
  return typeof lr === 'function' ? lr(count) : lr;
}

/** Checks a learning rate option. */
export function checkLr(op: string, lr: unknown, name = 'lr'): LearningRate {
  if (typeof lr === 'function') return lr as Schedule;
  return positive(op, name, lr);
}

/** A constant schedule. @example optim.constantSchedule(0.1)(7) // 0.1 */
export function constantSchedule(value: number): Schedule {
  positive('constantSchedule', 'value', value, true);
  return () => value;
}

/**
 * init · rate^(count / transitionSteps) (with `staircase`, the exponent is floored).
 * @example optim.exponentialDecay({ init: 0.1, decayRate: 0.5, transitionSteps: 100 })(100) // 0.05
 */
export function exponentialDecay(options: {
  init: number;
  decayRate: number;
  transitionSteps: number;
  staircase?: boolean;
}): Schedule {
  const { init, decayRate, transitionSteps, staircase = false } = options;
  positive('exponentialDecay', 'init', init);
  positive('exponentialDecay', 'decayRate', decayRate);
  integer('exponentialDecay', 'transitionSteps', transitionSteps);
  return (count) => {
    const p = count / transitionSteps;
    return init * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * Cosine decay from init to alpha · init over decaySteps, then constant.
 * @example optim.cosineDecay({ init: 0.1, decaySteps: 1000 })(500) // 0.05
 */
export function cosineDecay(options: {
  init: number;
  decaySteps: number;
  alpha?: number;
}): Schedule {
  const { init, decaySteps, alpha = 0 } = options;
  positive('cosineDecay', 'init', init);
  integer('cosineDecay', 'decaySteps', decaySteps);
  inRange('cosineDecay', 'alpha', alpha, 0, 1.000001);
  return (count) => {
    const t = Math.min(count, decaySteps) / decaySteps;
    return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  };
}

/**
 * Linear warmup from 0 to peak over warmupSteps, then cosine decay to end over the remaining steps.
 * @example optim.warmupCosineDecay({ peak: 1e-3, warmupSteps: 100, decaySteps: 1000 })
 */
export function warmupCosineDecay(options: {
  peak: number;
  warmupSteps: number;
  decaySteps: number;
  end?: number;
}): Schedule {
  const { peak, warmupSteps, decaySteps, end = 0 } = options;
  positive('warmupCosineDecay', 'peak', peak);
  integer('warmupCosineDecay', 'warmupSteps', warmupSteps, 0);
  integer('warmupCosineDecay', 'decaySteps', decaySteps);
  return (count) => {
    if (count < warmupSteps) return (peak * count) / warmupSteps;
    const t = Math.min(count - warmupSteps, decaySteps) / decaySteps;
    return end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

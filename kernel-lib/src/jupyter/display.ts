/**
 * Displaying objects from kernel code. The kernel launcher installs a hook that sends a MIME bundle
 * as Jupyter `display_data`; outside a kernel, `display` prints the text/plain part.
 */
import { isMimeBundleProvider, type MimeBundle } from './protocol';

/** Options for {@link display}. */
export interface DisplayOptions {
  /** A display id: later calls with the same id and `update: true` replace the output in place. */
  displayId?: string;
  /** Update an existing display (same `displayId`) instead of adding a new output. */
  update?: boolean;
}

/**
 * What the kernel launcher installs to send bundles to the frontend; its optional `clear` sends
 * `clear_output` (see {@link clearOutput}).
 */
export interface DisplayHook {
  (bundle: MimeBundle, options: DisplayOptions): void;
  clear?: (wait: boolean) => void;
}

const HOOK_KEY = Symbol.for('adlab.displayHook');

/** Installs the function that sends MIME bundles to the frontend (the kernel launcher calls this). */
export function setDisplayHook(hook: DisplayHook | undefined): void {
  (globalThis as Record<symbol, unknown>)[HOOK_KEY] = hook;
}

const installedHook = () =>
  (globalThis as Record<symbol, unknown>)[HOOK_KEY] as DisplayHook | undefined;

/** True inside a kernel (a display hook is installed): displays reach a notebook. */
export function hasDisplayHook(): boolean {
  return installedHook() !== undefined;
}

/** Turns any value into a MIME bundle: its own bundle if it offers one, else text/plain. */
export function toMimeBundle(value: unknown): MimeBundle {
  if (isMimeBundleProvider(value)) return value.toMimeBundle();
  return { 'text/plain': typeof value === 'string' ? value : String(value) };
}

/**
 * Displays a value in the notebook as a rich output.
 * @example display(np.eye(3)); display(graph, { displayId: 'g' });
 */
export function display(value: unknown, options: DisplayOptions = {}): void {
  const bundle = toMimeBundle(value);
  const hook = installedHook();
  if (hook) hook(bundle, options);
  else console.log(bundle['text/plain']);
}

/**
 * Clears the output of the running cell. With `wait: true` the frontend clears only when the next
 * output arrives, so a loop redrawing its output does not flicker. Does nothing outside a kernel.
 * @example for (const step of steps) { clearOutput({ wait: true }); display(plot(step)); }
 */
export function clearOutput(options: { wait?: boolean } = {}): void {
  installedHook()?.clear?.(Boolean(options.wait));
}

/**
 * A live control for one vector argument: a text box to type or paste the vector into, a "random"
 * button, a compute button, a line for input errors, and the result list. Used by the Jacobian probe
 * (v for J v, w for Jᵀ w, the point x) and the HVP probe (v for H v).
 */
import { formatFloat } from '../model/format';
import { parseVectorText, randomDirection, vectorText } from '../model/vector-input';
import { h } from './dom';

/** Entries of a result drawn in its list (the rest are summarized). */
export const MAX_LISTED = 2000;

/** Options of {@link VectorPanel}. */
export interface VectorPanelOptions {
  /** What the panel computes, e.g. "J v by one JVP". */
  label: string;
  /** The vector's name in messages, e.g. "v". */
  name: string;
  length: number;
  initial?: readonly number[];
  /** A class for the panel (tests find it by this). */
  className: string;
  buttonText: string;
  /** Offer a "random" button (directions yes, the point x no). */
  random?: boolean;
  /** Runs the computation for a parsed vector. */
  onCompute: (values: number[]) => Promise<void>;
}

function button(text: string, className: string): HTMLButtonElement {
  const b = h('button', `adlab-probe-button ${className}`, text);
  b.type = 'button';
  return b;
}

/** A vector input with its buttons. */
export class VectorPanel {
  readonly node: HTMLElement;
  readonly input: HTMLTextAreaElement;

  constructor(private readonly _options: VectorPanelOptions) {
    this.node = h('div', `adlab-probe-live-row ${_options.className}`);
    const label = h('label', 'adlab-probe-live-label', `${_options.label}:`);
    this.input = h('textarea', 'adlab-probe-vector-input');
    this.input.rows = 1;
    this.input.spellcheck = false;
    this.input.setAttribute('aria-label', `${_options.name} (${_options.length} numbers)`);
    this.input.placeholder = `${_options.length} numbers, separated by commas or spaces`;
    if (_options.initial) this.input.value = vectorText(_options.initial);
    label.appendChild(this.input);
    this.node.appendChild(label);
    if (_options.random !== false) {
      const rnd = button('random', 'adlab-probe-random');
      rnd.title = `a random unit ${_options.name}`;
      rnd.addEventListener('click', () => {
        this.input.value = vectorText(randomDirection(_options.length));
        void this._compute();
      });
      this.node.appendChild(rnd);
    }
    this._run = button(_options.buttonText, 'adlab-probe-compute');
    this._run.addEventListener('click', () => void this._compute());
    this.node.appendChild(this._run);
    this._message = this.node.appendChild(h('span', 'adlab-probe-input-error'));
  }

  /** Enables or disables the buttons (disabled when the kernel is gone). */
  setEnabled(enabled: boolean): void {
    for (const b of this.node.querySelectorAll('button')) b.disabled = !enabled;
  }

  private async _compute(): Promise<void> {
    const parsed = parseVectorText(this.input.value, this._options.length, this._options.name);
    this._message.textContent = parsed.ok ? '' : parsed.error;
    if (!parsed.ok) return;
    this._run.disabled = true;
    try {
      await this._options.onCompute(parsed.values);
    } finally {
      this._run.disabled = false;
    }
  }

  private readonly _run: HTMLButtonElement;
  private readonly _message: HTMLElement;
}

/**
 * A computed vector: its name, the cost line and the values (index: value) in a scroll box, with
 * the exact values in `data-values` for tools and tests.
 */
export function vectorResult(
  title: string,
  values: readonly number[],
  cost: string,
  className: string,
): HTMLElement {
  const node = h('div', `adlab-probe-result ${className}`);
  node.appendChild(h('div', 'adlab-probe-result-title', `${title} · ${cost}`));
  const list = h('div', 'adlab-probe-result-values');
  const shown = Math.min(values.length, MAX_LISTED);
  for (let i = 0; i < shown; i++) {
    const item = h('span', 'adlab-probe-result-value');
    item.appendChild(h('span', 'adlab-probe-result-index', String(i)));
    item.appendChild(document.createTextNode(formatFloat(values[i]!, 6)));
    list.appendChild(item);
  }
  if (shown < values.length)
    list.appendChild(h('span', 'adlab-block-more', `… ${values.length - shown} more`));
  node.appendChild(list);
  if (values.length <= MAX_LISTED) node.dataset.values = JSON.stringify(values);
  return node;
}

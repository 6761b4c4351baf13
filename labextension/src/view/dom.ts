/** Small DOM helpers: every text goes through `textContent`, never markup. */
import type { ParseResult } from '../model/validate';

/** Creates an element with a class and optional text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The error box shown in place of a view whose payload is malformed. */
export function errorBox(what: string, reason: string): HTMLElement {
  const box = h('div', 'adlab-error');
  box.setAttribute('role', 'alert');
  box.textContent = `adlab: cannot display ${what}: ${reason}`;
  return box;
}

/**
 * Builds a view from an untrusted payload and never throws: a malformed payload shows its reason in
 * the error box; a failure while building the view shows a generic one (its message could quote
 * payload text).
 */
export function renderOrError<M, D extends { node: HTMLElement }>(
  what: string,
  parse: () => ParseResult<M>,
  build: (model: M) => D,
): D | { node: HTMLElement } {
  try {
    const parsed = parse();
    return parsed.ok ? build(parsed.model) : { node: errorBox(what, parsed.error) };
  } catch (e) {
    return { node: errorBox(what, `internal error (${e instanceof Error ? e.name : 'unknown'})`) };
  }
}

/** A header field: a label and its value. */
export function field(label: string, value: string, className: string): HTMLElement {
  const item = h('span', `adlab-field ${className}`);
  item.appendChild(h('span', 'adlab-field-label', label));
  item.appendChild(h('span', 'adlab-field-value', value));
  return item;
}

/**
 * Calls `callback` when JupyterLab's theme changes (attributes on the body), so theme-colored
 * canvases and plots can redraw. Returns the function that stops observing.
 */
export function observeTheme(callback: () => void): (() => void) | undefined {
  if (typeof MutationObserver === 'undefined' || !document.body) return undefined;
  const observer = new MutationObserver(callback);
  observer.observe(document.body, {
    attributes: true,
    attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light'],
  });
  return () => observer.disconnect();
}

/**
 * Calls `callback` when `node` gets a width or its width changes: notebooks are virtualized, so an
 * output may attach at width 0. Returns the function that stops observing.
 */
export function observeWidth(node: Element, callback: () => void): (() => void) | undefined {
  if (typeof ResizeObserver === 'undefined') return undefined;
  let lastWidth = 0;
  const observer = new ResizeObserver((entries) => {
    const w = entries[0]?.contentRect.width ?? 0;
    if (w > 0 && Math.abs(w - lastWidth) > 1) {
      lastWidth = w;
      callback();
    }
  });
  observer.observe(node);
  return () => observer.disconnect();
}

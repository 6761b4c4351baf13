/** Small DOM helpers: every text goes through `textContent`, never markup. */

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

/**
 * The node inspector under the graph: what a clicked node is (primitive, params, type, FLOPs,
 * bytes, inputs with folded literals) and the summaries of its value, tangent and cotangent, each
 * with a small histogram. All text through textContent.
 */
import type { GraphModel, SummaryModel } from '../model/graph-model';
import type { GraphValuesModel } from '../model/graph-values';
import { formatBytes, formatCount, isFoldable, typeText } from 'adlab/graph-layout';
import { formatFloat } from '../model/format';
import { field, h } from './dom';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A histogram as a row of bars (heights relative to the largest count). */
function histogram(counts: readonly number[]): SVGSVGElement {
  const w = 96;
  const hgt = 24;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'adlab-graph-histogram');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(hgt));
  const top = Math.max(1, ...counts);
  const bw = w / Math.max(1, counts.length);
  counts.forEach((c, i) => {
    const bh = c > 0 ? Math.max(1, (c / top) * hgt) : 0;
    const bar = document.createElementNS(SVG_NS, 'rect');
    bar.setAttribute('x', (i * bw + 0.5).toFixed(1));
    bar.setAttribute('y', (hgt - bh).toFixed(1));
    bar.setAttribute('width', Math.max(1, bw - 1).toFixed(1));
    bar.setAttribute('height', bh.toFixed(1));
    svg.appendChild(bar);
  });
  return svg;
}

/** One summary row: which value, min / max / mean, non-finite count, histogram. */
function summaryRow(what: string, s: SummaryModel): HTMLElement {
  const row = h('tr', `adlab-graph-summary adlab-graph-summary-${what}`);
  row.appendChild(h('th', '', what));
  for (const v of [s.min, s.max, s.mean]) row.appendChild(h('td', '', formatFloat(v)));
  const bad = h('td', s.nonFinite > 0 ? 'adlab-warn' : '', String(s.nonFinite));
  row.appendChild(bad);
  const cell = h('td');
  if (s.histogram) cell.appendChild(histogram(s.histogram));
  row.appendChild(cell);
  return row;
}

/** The inspector's content for node `id`. */
export function inspectNode(model: GraphModel, id: number): HTMLElement {
  const n = model.byId.get(id)!;
  const box = h('div', 'adlab-graph-inspector-body');
  box.dataset.node = String(id);
  const title = h('div', 'adlab-graph-inspector-title', `%${n.id} = ${n.primitive}`);
  if (n.label) title.textContent += ` (${n.label})`;
  box.appendChild(title);
  const fields = h('div', 'adlab-graph-inspector-fields');
  fields.append(
    field('type', typeText(n), 'adlab-graph-inspect-type'),
    field('pass', n.phase, 'adlab-graph-inspect-phase'),
    field('FLOPs', formatCount(n.flops), 'adlab-graph-inspect-flops'),
    field('bytes', formatBytes(n.bytes), 'adlab-graph-inspect-bytes'),
  );
  const inputs = n.inputs.map((i) => {
    const src = model.byId.get(i)!;
    if (isFoldable(src) && src.summary) return `${formatFloat(src.summary.mean)} (literal %${i})`;
    return `%${i} ${src.primitive}`;
  });
  if (inputs.length)
    fields.appendChild(field('inputs', inputs.join(', '), 'adlab-graph-inspect-inputs'));
  if (n.params) fields.appendChild(field('params', n.params, 'adlab-graph-inspect-params'));
  box.appendChild(fields);
  if (model.nanOrigin?.node === id) {
    const o = model.nanOrigin;
    box.appendChild(
      h(
        'div',
        'adlab-graph-inspect-nan adlab-warn',
        `first non-finite value (${o.phase} pass, ${o.cause}): ${o.explanation}`,
      ),
    );
  }
  const rows: [string, SummaryModel | undefined][] = [
    ['value', n.summary],
    ['tangent', n.tangent],
    ['cotangent', n.cotangent],
  ];
  const present = rows.filter((r): r is [string, SummaryModel] => r[1] !== undefined);
  if (present.length) {
    const table = h('table', 'adlab-graph-summaries');
    const head = h('tr');
    for (const c of ['', 'min', 'max', 'mean', 'non-finite', 'histogram'])
      head.appendChild(h('th', '', c));
    table.appendChild(head);
    for (const [what, s] of present) table.appendChild(summaryRow(what, s));
    box.appendChild(table);
  } else {
    box.appendChild(
      h('div', 'adlab-graph-note', 'no value summaries (made with summaries: false)'),
    );
  }
  return box;
}

/** Entries shown per row of fetched values (the row's title holds all that came back). */
const SHOWN_VALUES = 12;

/** Fetched values of a node: one row each for value, tangent and cotangent (first entries). */
export function valuesTable(v: GraphValuesModel): HTMLElement {
  const box = h('div', 'adlab-graph-values');
  const count = v.value.length;
  box.appendChild(
    h(
      'div',
      'adlab-graph-note',
      `first ${count} of ${v.size} entries (row-major, shape [${v.shape.join(', ')}]), from the kernel`,
    ),
  );
  const table = h('table', 'adlab-graph-values-table');
  const rows: [string, number[] | undefined][] = [
    ['value', v.value],
    ['tangent', v.tangent],
    ['cotangent', v.cotangent],
  ];
  for (const [what, xs] of rows) {
    if (!xs) continue;
    const tr = h('tr', `adlab-graph-values-${what}`);
    tr.dataset.values = JSON.stringify(xs.map((x) => (Number.isFinite(x) ? x : String(x))));
    tr.appendChild(h('th', '', what));
    const shown = xs.slice(0, SHOWN_VALUES).map((x) => formatFloat(x));
    const more = xs.length > SHOWN_VALUES ? ` … (${xs.length - SHOWN_VALUES} more fetched)` : '';
    const td = h('td', 'adlab-graph-values-list', shown.join(', ') + more);
    td.title = xs.map((x) => formatFloat(x)).join(', ');
    tr.appendChild(td);
    table.appendChild(tr);
  }
  box.appendChild(table);
  return box;
}

import './setup';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { kindColors, LIGHT_PALETTE } from 'adlab/graph-layout';
import { legend } from '../../labextension/src/view/graph-palette';

const CSS = fs.readFileSync(path.join(__dirname, '../../labextension/style/graph.css'), 'utf8');

/** The custom properties set by the rules whose selector is exactly `selector`. */
function variables(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of CSS.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    if (rule[1]!.replace(/\/\*[\s\S]*?\*\//g, '').trim() !== selector) continue;
    for (const m of rule[2]!.matchAll(/--adlab-graph-([\w-]+):\s*([^;]+);/g))
      out[m[1]!] = m[2]!.trim();
  }
  expect(Object.keys(out).length).toBeGreaterThan(0);
  return out;
}

describe('graph palette', () => {
  it('gives the live light theme the colours of the exports', () => {
    const light = variables('.adlab-graph');
    for (const kind of ['forward', 'backward', 'input', 'constant'] as const) {
      expect(light[`${kind}-fill`]).toBe(LIGHT_PALETTE[kind].fill);
      expect(light[`${kind}-stroke`]).toBe(LIGHT_PALETTE[kind].stroke);
    }
    expect(light.nonfinite).toBe(LIGHT_PALETTE.nonFinite);
  });

  it('defines every light colour for the dark theme too, all different', () => {
    const light = variables('.adlab-graph');
    const dark = variables("[data-jp-theme-light='false'] .adlab-graph");
    expect(Object.keys(dark).sort()).toEqual(Object.keys(light).sort());
    const fills = ['forward', 'backward', 'input', 'constant'].map((k) => dark[`${k}-fill`]);
    expect(new Set(fills).size).toBe(4);
    for (const k of Object.keys(light)) {
      if (k !== 'match-text') expect(dark[k], k).not.toBe(light[k]);
    }
  });

  it('styles boxes by kind before phase, and never by the renderer wrapper class', () => {
    expect(kindColors(['adlab-graph-input', 'adlab-graph-backward'], LIGHT_PALETTE)).toBe(
      LIGHT_PALETTE.input,
    );
    expect(kindColors(['adlab-graph-op', 'adlab-graph-backward'], LIGHT_PALETTE)).toBe(
      LIGHT_PALETTE.backward,
    );
    // The bug this guards against: `.adlab-graph-output rect` matched every box of the output.
    expect(CSS).not.toMatch(/(^|[\s,])\.adlab-graph-output\b/m);
    for (const rule of CSS.matchAll(/^([^{}\n/*][^{}]*)\s+rect\s*\{/gm)) {
      // Box rules name the box group; the inspector's histogram bars live outside the graph SVG.
      const sel = rule[1]!.trim();
      expect(
        sel.startsWith('g.adlab-graph-node') || sel.includes('adlab-graph-histogram'),
        sel,
      ).toBe(true);
    }
  });

  it('builds a legend with one swatch per present kind', () => {
    const el = legend(['forward', 'input']);
    const swatches = [...el.querySelectorAll('.adlab-graph-swatch')].map((s) => s.className);
    expect(swatches).toEqual([
      'adlab-graph-swatch adlab-graph-forward',
      'adlab-graph-swatch adlab-graph-input',
    ]);
    expect(el.textContent).toContain('forward op');
  });
});

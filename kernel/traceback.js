// @ts-check
/**
 * Tracebacks that point at the user's cells: each cell's compiled code runs under the name
 * `In [n]` (its execution count), with the source maps of both of tslab's compile steps
 * (TypeScript to ES module, ES module to CommonJS) kept, so a stack frame's line in the compiled code
 * is mapped back to the line of the cell as typed. The traceback lists the error message and the
 * frames in cells first; the library's and Node's frames follow in the full stack at its tail.
 */
'use strict';

const path = require('path');
const vm = require('vm');
const { SourceMap } = require('module');

/** How tslab's executor starts the code of every cell (see tslab/dist/executor.js). */
const CELL_PREFIXES = ['(function(exports, require) { ', '(async function(exports, require) { '];
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/m;

/** @typedef {{ esm: SourceMap | null, cjs: SourceMap | null, prefix: number, lines: number }} CellMaps */

/** Source maps by cell name (`In [3]`). */
/** @type {Map<string, CellMaps>} */
const cellMaps = new Map();
/** The maps of the last cell tslab compiled, waiting for its code to run. */
/** @type {{ esm: SourceMap | null, cjs: SourceMap | null } | null} */
let compiled = null;
/** The name the next cell's code runs under, and its number of lines. */
let nextCellName = '';
let nextCellLines = 0;

function parseMap(/** @type {string | undefined} */ json) {
  try {
    return json ? new SourceMap(JSON.parse(json)) : null;
  } catch {
    return null;
  }
}

/**
 * Makes tslab keep source maps and name each cell's code. Call before anything loads tslab: its
 * converter then gets a TypeScript whose watch host emits inline source maps and whose
 * `transpileModule` keeps its map (TypeScript's own exports are read-only getters, so the module's
 * cache entry is replaced by an object that forwards to it). `transformers` (each made from that
 * TypeScript) also run in that step, on each cell's code; `options` are added to the compiler
 * options of tslab's program.
 * @param {{ transformers?: Array<(ts: any) => any>, options?: Record<string, unknown> }} [extra]
 */
function installCellSourceMaps({ transformers = [], options: extraOptions = {} } = {}) {
  const tslabDir = path.dirname(require.resolve('tslab/dist/converter'));
  const tsPath = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
  const ts = require(tsPath);
  const before = transformers.map((make) => make(ts));
  const createWatchCompilerHost = (rootFiles, options, ...rest) =>
    ts.createWatchCompilerHost(
      rootFiles,
      { ...options, ...extraOptions, inlineSourceMap: true },
      ...rest,
    );
  const transpileModule = (input, transpileOptions) => {
    if (transpileOptions?.fileName !== 'custom.js')
      return ts.transpileModule(input, transpileOptions);
    // tslab's second step (ES module to CommonJS): keep its map, and the first step's inline map.
    const options = { ...transpileOptions.compilerOptions, sourceMap: true };
    const out = ts.transpileModule(input, {
      ...transpileOptions,
      compilerOptions: options,
      transformers: { before },
    });
    const inline = INLINE_MAP.exec(input)?.[1];
    compiled = {
      esm: parseMap(inline && Buffer.from(inline, 'base64').toString('utf8')),
      cjs: parseMap(out.sourceMapText),
    };
    return out;
  };
  /** @type {Record<string, unknown>} */
  const own = { createWatchCompilerHost, transpileModule };
  const patched = {};
  for (const key of Object.keys(ts)) {
    const get = key in own ? () => own[key] : () => ts[key];
    Object.defineProperty(patched, key, { enumerable: true, get });
  }
  const cached = require.cache[tsPath];
  if (cached) cached.exports = patched;
  const runInThisContext = vm.runInThisContext;
  vm.runInThisContext = (code, options) => {
    const prefix = CELL_PREFIXES.find((p) => code.startsWith(p));
    if (!prefix || !nextCellName || typeof options !== 'object') {
      return runInThisContext(code, options);
    }
    const filename = nextCellName;
    nextCellName = '';
    const maps = { esm: null, cjs: null, ...compiled, prefix: prefix.length, lines: nextCellLines };
    cellMaps.set(filename, maps);
    compiled = null;
    return runInThisContext(code, { ...options, filename });
  };
}

/** Names the code of the cell about to run (`In [3]` for execution count 3). */
function nameNextCell(/** @type {number} */ executionCount, /** @type {string} */ source) {
  nextCellName = `In [${executionCount}]`;
  nextCellLines = source.split('\n').length;
  compiled = null;
}

/**
 * The cell line (1-based) of a position in a cell's compiled code, -1 in tslab's code after the
 * cell, or null if unknown.
 * @param {string} cell
 * @param {number} line 1-based, as in a stack frame
 * @param {number} column 1-based
 */
function cellLine(cell, line, column) {
  const maps = cellMaps.get(cell);
  if (!maps?.cjs || !maps.esm) return null;
  const col = line === 1 ? Math.max(0, column - 1 - maps.prefix) : column - 1;
  const esm = maps.cjs.findEntry(line - 1, col);
  if (esm?.originalLine === undefined) return null;
  const ts = maps.esm.findEntry(esm.originalLine, esm.originalColumn);
  // Line 0 of tslab's source file is its `export {};` prefix: line k after it is the cell's line k.
  if (ts?.originalLine === undefined || ts.originalLine < 1) return null;
  // Lines past the cell's end are tslab's own (the export of the cell's names).
  return ts.originalLine <= maps.lines ? ts.originalLine : -1;
}

const CELL_FRAME = /(In \[\d+\]):(\d+):(\d+)/;

/** A stack frame line with cell positions rewritten as `In [3], line 2` ('' for tslab's code). */
function mapFrame(/** @type {string} */ frame) {
  let machinery = false;
  const mapped = frame.replace(CELL_FRAME, (whole, cell, line, column) => {
    const at = cellLine(cell, Number(line), Number(column));
    machinery = at === -1;
    return at === null ? `${cell}` : `${cell}, line ${at}`;
  });
  return machinery ? '' : mapped;
}

/** True for a frame of the kernel's own machinery, never interesting to a user. */
function isKernelFrame(/** @type {string} */ frame) {
  return /tslab[\\/]dist|[\\/]kernel[\\/][\w-]+\.js|node:vm/.test(frame);
}

/**
 * The traceback of an error: its message and the frames in cells, then (if there are other frames)
 * the full stack, library and Node frames included, under a heading.
 * @param {Error} err
 * @param {string} heading the first line (e.g. `Error: boom`)
 * @returns {string[]}
 */
function cellTraceback(err, heading) {
  const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [];
  const firstFrame = stack.findIndex((line) => /^\s+at /.test(line));
  const frames = (firstFrame < 0 ? [] : stack.slice(firstFrame)).map(mapFrame).filter(Boolean);
  const kernelAt = frames.findIndex(isKernelFrame);
  const shown = kernelAt < 0 ? frames : frames.slice(0, kernelAt);
  const inCells = shown.filter((frame) => /In \[\d+\]/.test(frame));
  const lines = [heading, ...inCells];
  if (inCells.length < shown.length) {
    lines.push(
      `    (${shown.length - inCells.length} frames in the library and Node folded: full stack below)`,
    );
    return [lines.join('\n'), `\nFull stack:\n${heading}\n${shown.join('\n')}`];
  }
  return [lines.join('\n')];
}

module.exports = { cellLine, cellTraceback, installCellSourceMaps, nameNextCell };

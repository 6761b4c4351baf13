// @ts-check
/**
 * The prelude of the "TypeScript (adlab)" kernel: the library, found as the notebook's cells find
 * it, and the import lines that make every public name of it usable in the first cell.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const LIBRARY = 'adlab';

/** `require` as the notebook's cells have it (resolving from its folder, as tslab's executor). */
const cellRequire = () => createRequire(path.join(process.cwd(), 'src.js'));

/** Loads the library from the notebook's folder (as cells see it), else from next to this file. */
function loadLibrary() {
  try {
    return cellRequire()(LIBRARY);
  } catch {
    return require(LIBRARY);
  }
}

/** The library's package.json, found the way {@link loadLibrary} finds the library. */
function packageFile() {
  try {
    return cellRequire().resolve(`${LIBRARY}/package.json`);
  } catch {
    return require.resolve(`${LIBRARY}/package.json`);
  }
}

/** The library's version, for the kernel's banner. */
function libraryVersion() {
  return String(JSON.parse(fs.readFileSync(packageFile(), 'utf8')).version);
}

/** True for names a destructuring import can bind. */
function isIdentifier(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default' && name !== '__esModule';
}

/**
 * Names the library exports only as types (interfaces, type aliases), read from its declaration
 * file with tslab's own TypeScript. Empty if that fails: those types stay reachable as `adlab.X`.
 * @param {Set<string>} runtimeNames
 * @returns {string[]}
 */
function typeOnlyExports(runtimeNames) {
  try {
    const ts = require('@tslab/typescript-for-tslab');
    const pkgFile = packageFile();
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    const dts = path.join(path.dirname(pkgFile), pkg.types ?? pkg.typings ?? 'index.d.ts');
    const program = ts.createProgram([dts], { noLib: true, types: [], skipLibCheck: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(dts);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) return [];
    return checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => symbol.name)
      .filter((name) => isIdentifier(name) && !runtimeNames.has(name));
  } catch {
    return [];
  }
}

/**
 * The prelude every session starts with: all public names of the library imported by name (classes
 * are types too; type-only exports by `import type`), plus the namespace `adlab`.
 * @param {Record<string, unknown>} lib
 */
function buildPrelude(lib) {
  const names = Object.keys(lib).filter(isIdentifier).sort();
  const types = typeOnlyExports(new Set(names)).sort();
  const lines = [`import * as adlab from "${LIBRARY}";`];
  if (names.length > 0) lines.push(`import { ${names.join(', ')} } from "${LIBRARY}";`);
  if (types.length > 0) lines.push(`import type { ${types.join(', ')} } from "${LIBRARY}";`);
  return lines.join('\n');
}

module.exports = { buildPrelude, libraryVersion, loadLibrary, packageFile };

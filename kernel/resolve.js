// @ts-check
/**
 * Where the kernel finds `adlab` and `@types/node`: always next to this file (the checkout's
 * node_modules, or the copy bundled in the Python wheel), whatever folder the notebook is in.
 *
 * Cells run with the notebook's folder as working directory, and tslab resolves both their modules
 * (Node's require from that folder) and their types (TypeScript's Node10 resolution from that folder
 * upward) from there. So a notebook outside the checkout would find neither. Two small hooks fix it:
 *  - runtime: `require('adlab')` and `require('adlab/...')` resolve from this file's folder;
 *  - types: TypeScript's `ts.sys` sees `<notebook folder>/node_modules/adlab` and
 *    `<notebook folder>/node_modules/@types/node` as the kernel's own packages. This is how tslab
 *    itself makes `import "tslab"` work anywhere (`forwardTslabPath` in tslab/dist/converter.js):
 *    the converter's file system calls `ts.sys` after that forwarding.
 * Other modules (a project's own node_modules, relative imports) resolve as before.
 */
'use strict';

const fs = require('fs');
const Module = require('module');
const path = require('path');

const LIBRARY = 'adlab';

/** The folder of an installed package as this file's require finds it (symlinks resolved). */
function packageDir(name) {
  return path.dirname(fs.realpathSync(require.resolve(`${name}/package.json`)));
}

/**
 * The kernel's own packages: the library and Node's types.
 * @returns {{ library: string, nodeTypes: string | null }}
 */
function kernelPackages() {
  let nodeTypes = null;
  try {
    nodeTypes = packageDir('@types/node');
  } catch {
    // Without @types/node, tslab falls back to its own copy (if any).
  }
  return { library: packageDir(LIBRARY), nodeTypes };
}

/** True when `request` names the library or one of its subpaths. */
function isLibraryRequest(request) {
  return request === LIBRARY || request.startsWith(`${LIBRARY}/`);
}

/** Makes every `require('adlab…')` in this process load the kernel's copy (one library instance). */
function hookRuntime() {
  const moduleWithResolve = /** @type {{ _resolveFilename: (...args: any[]) => string }} */ (
    /** @type {unknown} */ (Module)
  );
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (request, parent, ...rest) {
    // Resolved as if required from this file: the kernel's copy.
    const from = typeof request === 'string' && isLibraryRequest(request) ? module : parent;
    return original.call(this, request, from, ...rest);
  };
}

/**
 * Maps `<cwd>/node_modules/<name>/...` to the kernel's packages in TypeScript's view of the disk.
 * @param {string} cwd the folder tslab's converter resolves from (the notebook's folder)
 * @param {{ library: string, nodeTypes: string | null }} packages
 */
function hookTypes(cwd, packages) {
  const ts = require('@tslab/typescript-for-tslab');
  const modules = path.join(cwd, 'node_modules');
  const typesDir = path.join(modules, '@types');
  /** @type {[string, string][]} virtual folder, real folder */
  const forwards = [[path.join(modules, LIBRARY), packages.library]];
  if (packages.nodeTypes) forwards.push([path.join(typesDir, 'node'), packages.nodeTypes]);

  /** The real path behind a virtual one (paths outside the forwarded folders are unchanged). */
  const forward = (/** @type {string} */ p) => {
    const native = path.normalize(p);
    for (const [virtual, real] of forwards) {
      if (native === virtual || native.startsWith(virtual + path.sep)) {
        return real + native.slice(virtual.length);
      }
    }
    return p;
  };
  const isVirtualParent = (/** @type {string} */ p) => {
    const native = path.normalize(p);
    return native === modules || (packages.nodeTypes !== null && native === typesDir);
  };

  const sys = ts.sys;
  const { fileExists, directoryExists, readFile, realpath, getDirectories, readDirectory } = sys;
  sys.fileExists = (p) => fileExists(forward(p));
  sys.directoryExists = (p) => directoryExists(forward(p)) || isVirtualParent(p);
  sys.readFile = (p, encoding) => readFile(forward(p), encoding);
  sys.readDirectory = (p, ...rest) => readDirectory(forward(p), ...rest);
  if (realpath) sys.realpath = (p) => realpath(forward(p));
  // The automatic type roots are listed by folder: `<cwd>/node_modules/@types` must show `node`.
  sys.getDirectories = (p) => {
    const found = directoryExists(forward(p)) ? getDirectories(forward(p)) : [];
    if (packages.nodeTypes && path.normalize(p) === typesDir && !found.includes('node')) {
      return [...found, 'node'];
    }
    return found;
  };
}

/**
 * Installs both hooks for a kernel whose cells run in `cwd`; returns the packages it points at.
 * Call before tslab's converter is created.
 * @param {string} cwd
 */
function useKernelPackages(cwd) {
  const packages = kernelPackages();
  hookRuntime();
  hookTypes(cwd, packages);
  return packages;
}

module.exports = { LIBRARY, useKernelPackages };

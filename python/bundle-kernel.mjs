// Stages the kernel for the Python wheel in python/adlab/kernel/: the launcher (kernel/*.js) and
// the Node packages it needs at run time (tslab, its TypeScript, zeromq with the one prebuilt addon
// for this machine, adlab's dist/, @types/node), pruned to what runs. Run after `npm run build`;
// hatch-jupyter-builder runs it through `npm run build:wheel`. Also writes platform.txt, the wheel
// platform tag the bundled addon is honest for (read by python/hatch_build.py).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'python', 'adlab', 'kernel');

/** The packages the launcher requires, and their dependencies (except those listed as unused). */
const ENTRY_PACKAGES = ['tslab', 'adlab', '@types/node'];
/** Dependencies never loaded by the kernel: tslab's CLI and browser bundler, zeromq's build. */
const UNUSED = new Set([
  'commander',
  'rollup',
  '@rollup/plugin-commonjs',
  '@rollup/plugin-node-resolve',
  '@rollup/plugin-replace',
  'node-addon-api',
]);
/** tslab lists an older @types/node; the kernel forwards its own (kernel/resolve.js). */
const SKIP_NESTED = { tslab: new Set(['@types/node']) };

const LICENSE = /^(LICEN[CS]E|COPYING|NOTICE)[^/]*$/i;
/** Files kept per package (paths relative to the package folder); default: JS, types, package.json. */
const KEEP = {
  '@tslab/typescript-for-tslab': (f) =>
    f === 'lib/typescript.js' || /^lib\/lib\.[\w.]+\.d\.ts$/.test(f),
  tslab: (f) => /^dist\/[\w-]+\.(js|d\.ts)$/.test(f),
  zeromq: (f) => /^lib\/.*\.js$/.test(f),
  'cmake-ts': (f) => f === 'build/loader.js',
  adlab: (f) => /^dist\/.*\.(js|d\.ts|wasm)$/.test(f),
};
const keepByDefault = (f) =>
  /\.(c?js|mjs|d\.ts|json|node|afm|icc|trie|wasm)$/.test(f) &&
  !/(^|\/)(test|tests|docs?)\//.test(f);

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The folder of `name` as Node would find it from `fromDir` (walking up node_modules). */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`bundle-kernel: ${name} not found from ${fromDir}`);
  }
}

function isInstalled(name, fromDir) {
  try {
    findPackage(name, fromDir);
    return true;
  } catch {
    return false;
  }
}

/** name -> source folder for every package the kernel loads. */
function runtimePackages() {
  const found = new Map();
  const visit = (name, fromDir) => {
    if (UNUSED.has(name) || found.has(name)) return;
    const dir = findPackage(name, fromDir);
    found.set(name, dir);
    const skip = SKIP_NESTED[name] ?? new Set();
    const pkg = packageJson(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!skip.has(dep)) visit(dep, dir);
    }
    // Optional dependencies are the per-platform native builds (resvg): those npm installed here.
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      if (!skip.has(dep) && isInstalled(dep, dir)) visit(dep, dir);
    }
  };
  for (const name of ENTRY_PACKAGES) visit(name, join(ROOT, 'kernel'));
  return found;
}

/** Files under `dir` as /-separated relative paths; nested node_modules only if `nested`. */
function filesUnder(dir, nested = false, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (nested || entry.name !== 'node_modules') out.push(...filesUnder(full, nested, base));
    } else out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

function copyPackage(name, from) {
  const to = join(OUT, 'node_modules', name);
  const keep = KEEP[name] ?? keepByDefault;
  for (const file of filesUnder(from)) {
    if (file === 'package.json' || LICENSE.test(file) || keep(file)) {
      mkdirSync(dirname(join(to, file)), { recursive: true });
      cpSync(join(from, file), join(to, file), { dereference: true });
    }
  }
}

/** The libc of this Linux machine, as zeromq's loader (cmake-ts) names it. */
function libc() {
  if (process.platform !== 'linux') return process.platform === 'darwin' ? 'libc' : 'msvc';
  return existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/** Wheel platform tags for the addons we bundle (glibc 2.28: what Node 22+ itself requires). */
const WHEEL_PLATFORMS = {
  'linux-x64-glibc': 'manylinux_2_28_x86_64',
  'linux-arm64-glibc': 'manylinux_2_28_aarch64',
};

/** Copies one prebuilt zeromq addon (the newest ABI for this machine) and a manifest naming it. */
function copyZeromqAddon(from) {
  const key = `${process.platform}-${process.arch}-${libc()}`;
  const platform = WHEEL_PLATFORMS[key];
  if (!platform) throw new Error(`bundle-kernel: no wheel platform tag known for ${key}`);
  const manifest = JSON.parse(readFileSync(join(from, 'build', 'manifest.json'), 'utf8'));
  const matching = Object.entries(manifest)
    .map(([config, file]) => ({ config: JSON.parse(config), key: config, file }))
    .filter(({ config }) => `${config.os}-${config.arch}-${config.libc}` === key)
    .sort((a, b) => (b.config.abi ?? 0) - (a.config.abi ?? 0));
  if (matching.length === 0)
    throw new Error(`bundle-kernel: zeromq has no prebuilt addon for ${key}`);
  const chosen = matching[0];
  const file = chosen.file.split(/[\\/]/).join('/');
  const to = join(OUT, 'node_modules', 'zeromq', 'build');
  mkdirSync(dirname(join(to, file)), { recursive: true });
  cpSync(join(from, 'build', file), join(to, file));
  writeFileSync(join(to, 'manifest.json'), JSON.stringify({ [chosen.key]: file }));
  return { platform, addon: file };
}

function sizeOf(dir) {
  return filesUnder(dir, true).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
// Every module of the launcher (kernel/*.js); kernel.json is the checkout's kernelspec template.
for (const file of readdirSync(join(ROOT, 'kernel')).filter((f) => f.endsWith('.js'))) {
  cpSync(join(ROOT, 'kernel', file), join(OUT, file));
}
const packages = runtimePackages();
for (const [name, dir] of packages) copyPackage(name, dir);
if (!existsSync(join(OUT, 'node_modules', 'adlab', 'dist', 'index.js'))) {
  throw new Error('bundle-kernel: kernel-lib/dist is missing: run `npm run build` first');
}
const { platform, addon } = copyZeromqAddon(packages.get('zeromq'));
writeFileSync(join(OUT, 'platform.txt'), `${platform}\n`);
const mb = (sizeOf(OUT) / 1e6).toFixed(1);
console.log(
  `bundle-kernel: ${packages.size} packages (${[...packages.keys()].join(', ')}), ` +
    `zeromq addon ${addon}, ${mb} MB in python/adlab/kernel (wheel tag ${platform})`,
);

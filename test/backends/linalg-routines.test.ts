/**
 * Dense linear algebra behind the backend interface: the primitives reach the routines only
 * through `Backend.linalg`, and a backend without them gets the host fallback (download, CPU
 * routine, upload to the same backend). The fake backend here is a unit test of that fallback
 * logic only; the rule harness checks the routines' values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { np, type Tensor } from '../../kernel-lib/src';
import type { Backend, LinalgRoutine } from '../../kernel-lib/src/backends/backend';
import { createCpuBackend, cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { bind } from '../../kernel-lib/src/core/trace';
import { primitives } from '../../kernel-lib/src/primitives';
import { on } from '../helpers/backends';
import { spd } from '../helpers/tensors';

const routines: LinalgRoutine[] = [
  'solve',
  'slogdet',
  'det',
  'adjugate',
  'cholesky',
  'eigh',
  'svd',
  'qr',
];
const byName = Object.fromEntries(Object.values(primitives).map((p) => [p.name, p]));

/** A host-only backend: the CPU kernels without `linalg`, counting its reads and uploads. */
function hostOnlyBackend() {
  const base = createCpuBackend('host-only');
  const counts = { reads: 0, uploads: 0 };
  const { readSync, fromHost } = base;
  const backend: Backend = Object.assign(base, {
    linalg: undefined,
    readSync: (s: Parameters<Backend['readSync']>[0]) => (counts.reads++, readSync(s)),
    fromHost: (d: Parameters<Backend['fromHost']>[0]) => (counts.uploads++, fromHost(d)),
  });
  return { backend, counts };
}

/** The inputs of each routine's primitive (4 x 4, float64; solve has a 4 x 2 right-hand side). */
const inputs = (name: LinalgRoutine): Tensor[] => {
  const a = np.astype(spd(3, 4), 'float64');
  return name === 'solve'
    ? [a, np.reshape(np.array([1, -2, 3, 0.5, 4, 1, -1, 2], 'float64'), [4, 2])]
    : [a];
};

describe('linear algebra behind the backend interface', () => {
  it('the CPU backends provide every routine', () => {
    expect(Object.keys(cpuBackend.linalg ?? {}).sort()).toEqual([...routines].sort());
  });

  it.each(routines)(
    '%s on a backend without routines: download, CPU routine, upload there',
    (name) => {
      const want = on(cpuBackend, () => bind(byName[name], inputs(name), {}));
      const { backend, counts } = hostOnlyBackend();
      const got = on(backend, () => {
        const xs = inputs(name);
        counts.reads = 0;
        counts.uploads = 0;
        return bind(byName[name], xs, {});
      });
      expect(counts.reads).toBe(inputs(name).length);
      expect(counts.uploads).toBe(want.length);
      got.forEach((g, k) => {
        expect(g.concrete().backend).toBe(backend);
        expect(g.shape).toEqual(want[k].shape);
        expect(Array.from(g.dataSync())).toEqual(Array.from(want[k].dataSync()));
      });
    },
  );

  it('a backend routine, when present, is the one that runs', () => {
    const base = createCpuBackend('own-cholesky');
    let called = 0;
    const cholesky = base.linalg!.cholesky!;
    Object.assign(base, {
      linalg: {
        ...base.linalg,
        cholesky: (...args: Parameters<typeof cholesky>) => (called++, cholesky(...args)),
      },
    });
    on(base, () => np.linalg.cholesky(spd(4, 3)).dataSync());
    expect(called).toBe(1);
  });

  it('the fallback names the routine when the inputs cannot be read synchronously', () => {
    const { backend } = hostOnlyBackend();
    Object.assign(backend, { name: 'device-only', canReadSync: () => false });
    const host = Array.from(spd(5, 3).dataSync());
    const a = on(backend, () => np.reshape(np.array(host, 'float64'), [3, 3]));
    expect(() => on(backend, () => np.linalg.cholesky(a))).toThrow(
      'cholesky: a float64[3,3] tensor computed on cpu cannot be read synchronously (this operation runs on the host)',
    );
  });

  it('no primitive file imports the CPU backend', () => {
    const dir = fileURLToPath(new URL('../../kernel-lib/src/primitives/', import.meta.url));
    const offenders = readdirSync(dir).filter((f) =>
      /from '\.\.\/backends\/cpu/.test(readFileSync(dir + f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

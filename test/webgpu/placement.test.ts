/**
 * WebGPU placement, reads, errors, transforms and memory: devices and default device, committed
 * tensors and the mixed-device error, asynchronous reads (and the error of a synchronous one),
 * float64 refused by name, grad / hvp / jacrev against the CPU, and the bytes held on the device
 * staying flat over a few hundred MLP training steps.
 */
import { afterEach, expect, it } from 'vitest';
import {
  defaultDevice,
  deviceMemory,
  devicePut,
  devices,
  grad,
  hvp,
  jacrev,
  jit,
  np,
  random,
  setDefaultDevice,
  type Tensor,
} from '../../kernel-lib/src';
import { webgpuBackend } from '../../kernel-lib/src/backends/webgpu';
import { describeOnWebGpu, expectDataClose as expectClose } from './gpu';

afterEach(() => setDefaultDevice('cpu'));

await describeOnWebGpu('webgpu placement and memory', () => {
  it('lists both devices and switches the default', () => {
    expect(devices().map((d) => d.name)).toEqual(['cpu', 'webgpu']);
    expect(defaultDevice()).toBe('cpu');
    setDefaultDevice('webgpu');
    expect(defaultDevice()).toBe('webgpu');
    expect(np.zeros([2]).device).toBe('webgpu');
    expect(() => setDefaultDevice('tpu')).toThrow(
      /unknown device "tpu"; expected 'cpu' or 'webgpu'/,
    );
  });

  it('reads asynchronously; a synchronous read of a device result says what to call', async () => {
    const x = await np
      .array(
        [
          [1, 2],
          [3, 4],
        ],
        'float32',
      )
      .to('webgpu');
    const y = np.mul(x, 2);
    expect(await y.array()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(Array.from(await y.data())).toEqual([2, 4, 6, 8]);
    expect(() => y.dataSync()).toThrow(
      /dataSync: a float32\[2,2\] tensor computed on webgpu cannot be read synchronously; use `await t.data\(\)`/,
    );
    expect(() => y.toArray()).toThrow(/toArray: .*await t.array\(\)/);
    expect(() => np.sum(y).item()).toThrow(/item: /);
    expect(String(y)).toBe(
      'Tensor(float32[2,2] on webgpu; values: await t.data() or await t.array())',
    );
    const back = await y.to('cpu');
    expect(back.device).toBe('cpu');
    expect(back.toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });

  it('refuses float64 by the operation, never downcasting', async () => {
    const x64 = np.array([1, 2], 'float64');
    await expect(x64.to('webgpu')).rejects.toThrow(/float64 is not supported on webgpu/);
    const x = await np.array([1, 2], 'float32').to('webgpu');
    expect(() => np.astype(x, 'float64')).toThrow(
      /^convert_element_type: float64 is not supported on webgpu/,
    );
    setDefaultDevice('webgpu');
    expect(() => np.array([1.5, 2], 'float64')).toThrow(/float64 is not supported on webgpu/);
  });

  it('names the op and both devices when committed operands differ; moves uncommitted CPU ones', async () => {
    const g = await np.array([1, 2, 3], 'float32').to('webgpu');
    const c = await np.array([1, 1, 1], 'float32').to('cpu');
    expect(() => np.add(g, c)).toThrow(
      /^add: operands live on different devices: operand 0 \(float32\[3\]\) on webgpu \(placed there\), operand 1 \(float32\[3\]\) on cpu \(placed there\)/,
    );
    const constant = np.array([10, 20, 30], 'float32'); // uncommitted, on the default CPU
    const y = np.add(g, constant);
    expect(y.device).toBe('webgpu');
    expect(await y.array()).toEqual([11, 22, 33]);
    expect(await np.mul(g, 2).array()).toEqual([2, 4, 6]);
  });

  it('gathers with indices computed on the device (argmax), and jit fuses chains into one kernel', async () => {
    const x = await np
      .array(
        [
          [1, 5, 2],
          [7, 0, 3],
        ],
        'float32',
      )
      .to('webgpu');
    const best = np.argmax(x, 1); // int32 on the device
    expect(await np.take(np.array([10, 20, 30], 'float32'), best).array()).toEqual([20, 10]);
    // jit plans fusion for the default device's backend (webgpu has no ops it keeps unfused).
    setDefaultDevice('webgpu');
    const stats = () => webgpuBackend()!.stats().dispatches;
    const f = jit((t: Tensor) => np.add(np.mul(np.tanh(t), t), np.exp(np.neg(t))));
    await f(x).data();
    const before = stats();
    const y = f(x);
    expect(stats() - before).toBe(1);
    await expectClose(y, np.add(np.mul(np.tanh(x), x), np.exp(np.neg(x))));
  });

  it('grad, hvp and jacrev on webgpu match the CPU', async () => {
    const [k1, k2] = random.split(random.key(1), 2);
    const W = random.normal(k1, [6, 5], 'float32');
    const X = random.normal(k2, [7, 6], 'float32');
    const f = (w: Tensor, x: Tensor) => np.sum(np.tanh(np.matmul(x, w)));
    const [Wg, Xg] = await devicePut([W, X], 'webgpu');
    await expectClose(grad(f)(Wg, Xg), grad(f)(W, X));
    const v = random.normal(random.key(3), [6, 5], 'float32');
    const h = (w: Tensor) => f(w, X);
    const hg = (w: Tensor) => f(w, Xg);
    await expectClose(hvp(hg, [Wg], [await v.to('webgpu')]) as Tensor, hvp(h, [W], [v]) as Tensor);
    const J = (w: Tensor) => np.tanh(np.matmul(X, w)).sum(0);
    const Jg = (w: Tensor) => np.tanh(np.matmul(Xg, w)).sum(0);
    await expectClose(jacrev(Jg)(Wg), jacrev(J)(W));
  }, 60_000);

  it('keeps device memory flat over 300 MLP training steps', async () => {
    const [k1, k2, k3] = random.split(random.key(0), 3);
    const init = {
      W1: np.mul(random.normal(k1, [32, 64], 'float32'), 0.2),
      W2: np.mul(random.normal(k2, [64, 4], 'float32'), 0.2),
    };
    const X = await random.normal(k3, [128, 32], 'float32').to('webgpu');
    const loss = (p: typeof init) => {
      const o = np.matmul(np.tanh(np.matmul(X, p.W1)), p.W2);
      return np.mean(np.mul(o, o));
    };
    let p = await devicePut(init, 'webgpu');
    const pool = webgpuBackend()!.runtime.pool;
    pool.slackBytes = 2 ** 20; // collect often, so 300 steps see many collections
    const before = deviceMemory()!;
    const inUse: number[] = [];
    let first = 0;
    let last = 0;
    let createdAt100 = 0;
    for (let step = 0; step < 300; step++) {
      const g = grad(loss)(p);
      p = { W1: np.sub(p.W1, np.mul(g.W1, 0.05)), W2: np.sub(p.W2, np.mul(g.W2, 0.05)) };
      if (step % 10 === 9) {
        const l = (await loss(p).data())[0]; // reading the loss, as a training loop does
        if (step === 9) first = l;
        last = l;
        inUse.push(deviceMemory()!.bytesInUse);
      }
      if (step === 99) createdAt100 = deviceMemory()!.buffersCreated;
    }
    expect(last).toBeLessThan(first); // it trained
    const early = Math.max(...inUse.slice(0, 10));
    const late = Math.max(...inUse.slice(-10));
    console.log(
      `webgpu bytes in use every 10 steps (MiB): ${inUse.map((b) => (b / 2 ** 20).toFixed(1)).join(' ')}`,
    );
    const after = deviceMemory()!;
    pool.slackBytes = 64 * 2 ** 20;
    // Flat: the last 100 steps hold no more than the first 100 (plus 1 MiB), while the run asked
    // for far more than that in total (so a leak would show).
    expect(late).toBeLessThanOrEqual(early + 2 ** 20);
    expect(after.bytesAcquired - before.bytesAcquired).toBeGreaterThan(20 * late);
    // Pooled buffers are reused, uploads of constants included: the last 200 steps create
    // (almost) no new buffers (they created several a step when uploads always made new ones).
    expect(after.buffersCreated - createdAt100).toBeLessThan(20);
    expect(webgpuBackend()!.stats().compiles).toBeLessThan(400);
  }, 120_000);
});

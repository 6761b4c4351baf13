import { describe, expect, it } from 'vitest';
import { liveHandle } from '../../kernel-lib/src/jupyter/live';
import {
  KERNEL_GONE_MESSAGE,
  LiveChannel,
  NO_KERNEL,
} from '../../labextension/src/kernel/live-channel';
import { LiveLink } from '../../labextension/src/kernel/live-link';
import { fail } from '../../labextension/src/model/validate';
import { memoryKernel, type MemoryKernel } from './live-kernel';

const node = document.createElement('div');

function channelOn(mk: MemoryKernel): LiveChannel {
  return new LiveChannel({ kernelFor: () => mk.kernel, watch: () => () => undefined });
}

describe('live channel over an in-memory kernel', () => {
  it('sends { id, handle, op, args } and resolves the result with both timings, on one comm', async () => {
    const mk = memoryKernel();
    const channel = channelOn(mk);
    const h = liveHandle({ add: ({ a, b }: { a: number; b: number }) => a + b });
    const r1 = await channel.request(node, h, 'add', { a: 2, b: 3 });
    expect(r1).toMatchObject({ ok: true, result: 5 });
    if (!r1.ok) throw new Error('unreachable');
    expect(r1.roundTripMs).toBeGreaterThanOrEqual(r1.kernelMs);
    const [r2, r3] = await Promise.all([
      channel.request(node, h, 'add', { a: 1, b: 1 }),
      channel.request(node, h, 'add', { a: 10, b: -1 }),
    ]);
    expect([r2, r3]).toMatchObject([{ result: 2 }, { result: 9 }]);
    expect(mk.commsOpened).toBe(1);
  });

  it('reports handler errors, unknown handles and a missing kernel', async () => {
    const mk = memoryKernel();
    const channel = channelOn(mk);
    const h = liveHandle({
      bad: () => {
        throw new Error('v has 2 entries, expected 3');
      },
    });
    expect(await channel.request(node, h, 'bad')).toEqual({
      ok: false,
      kind: 'error',
      message: 'bad failed: Error: v has 2 entries, expected 3',
    });
    expect(await channel.request(node, 'other0-1', 'bad')).toEqual({
      ok: false,
      kind: 'gone',
      message: KERNEL_GONE_MESSAGE,
    });
    expect(await new LiveChannel(NO_KERNEL).request(node, h, 'bad')).toMatchObject({
      kind: 'gone',
    });
  });

  it('times out, and treats malformed or unmatched replies without throwing', async () => {
    const mk = memoryKernel();
    const channel = channelOn(mk);
    const h = liveHandle({ one: () => 1 });
    mk.rewrite = (reply) => ({ ...reply, ok: 'yes' });
    expect(await channel.request(node, h, 'one')).toMatchObject({ ok: false, kind: 'malformed' });
    mk.rewrite = () => ['not', 'a', 'reply'];
    expect(await channel.request(node, h, 'one', {}, 80)).toMatchObject({
      ok: false,
      kind: 'timeout',
      message: 'the kernel did not answer one within 0.1 s (busy running a cell?)',
    });
    mk.rewrite = undefined;
    mk.silent = true;
    expect(await channel.request(node, h, 'one', {}, 40)).toMatchObject({ kind: 'timeout' });
  });

  it('resolves waiting requests as gone when the kernel restarts, then opens a new comm', async () => {
    const mk = memoryKernel();
    const channel = channelOn(mk);
    const h = liveHandle({ one: () => 1 });
    mk.silent = true;
    const waiting = channel.request(node, h, 'one');
    mk.restart();
    expect(await waiting).toMatchObject({ ok: false, kind: 'gone' });
    mk.silent = false;
    expect(await channel.request(node, h, 'one')).toMatchObject({ ok: true, result: 1 });
    expect(mk.commsOpened).toBe(2);
  });
});

describe('live link (status line and error box of a widget)', () => {
  it('shows timings on success, an error box on a failing or malformed reply, the gone line', async () => {
    const mk = memoryKernel();
    const channel = channelOn(mk);
    const h = liveHandle({
      vec: ({ n }: { n: number }) => Array.from({ length: n }, (_, i) => i),
      oops: () => ({ values: 'not numbers' }),
    });
    const changes: boolean[] = [];
    const host = document.createElement('div');
    const link = new LiveLink(host, h, { channel, onGoneChange: (g) => changes.push(g) });
    const parseVec = (r: unknown): number[] => {
      if (!Array.isArray(r)) fail('expected an array');
      return r as number[];
    };
    const ok = await link.call('vec', { n: 3 }, parseVec);
    expect(ok?.value).toEqual([0, 1, 2]);
    const status = link.node.querySelector('.adlab-live-status')!;
    expect(status.textContent).toMatch(/^vec: [\d.]+ ms in the kernel, [\d.]+ ms round trip$/);
    const error = link.node.querySelector<HTMLElement>('.adlab-live-error')!;
    expect(error.hidden).toBe(true);

    expect(await link.call('oops', {}, parseVec)).toBeUndefined();
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('adlab: malformed reply to oops: expected an array');
    expect(await link.call('nothing', {}, parseVec)).toBeUndefined();
    expect(error.textContent).toMatch(/^adlab: live nothing failed: no operation 'nothing'/);

    const stale = new LiveLink(host, 'gone00-1', { channel, onGoneChange: (g) => changes.push(g) });
    expect(await stale.check()).toBe(false);
    expect(stale.gone).toBe(true);
    expect(stale.node.querySelector('.adlab-live-status')!.textContent).toBe(KERNEL_GONE_MESSAGE);
    expect(changes).toEqual([true]);
    expect(new LiveLink(host, undefined).available).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  answerLiveRequest,
  LIVE_PING,
  liveHandle,
  liveHandleBytes,
  liveHandleCount,
  MAX_LIVE_BYTES,
  MAX_LIVE_HANDLES,
  registerLiveTarget,
  type LiveComm,
} from '../../kernel-lib/src/jupyter/live';
import { LIVE_TARGET } from '../../kernel-lib/src/jupyter/protocol';

describe('live registry', () => {
  it('runs a handle operation (sync or async) and times it', async () => {
    const h = liveHandle({
      double: ({ x }: { x: number }) => 2 * x,
      later: async ({ x }: { x: number }) => {
        await new Promise((r) => setTimeout(r, 20));
        return x + 1;
      },
    });
    expect(await answerLiveRequest({ id: 'a', handle: h, op: 'double', args: { x: 21 } })).toEqual(
      expect.objectContaining({ id: 'a', ok: true, result: 42 }),
    );
    const later = await answerLiveRequest({ id: 'b', handle: h, op: 'later', args: { x: 1 } });
    expect(later).toMatchObject({ id: 'b', ok: true, result: 2 });
    expect(later.ok && later.ms).toBeGreaterThanOrEqual(15);
    expect(await answerLiveRequest({ id: 'c', handle: h, op: LIVE_PING })).toMatchObject({
      ok: true,
      result: true,
    });
  });

  it('answers bad requests, unknown operations, throwing handlers and foreign handles with codes', async () => {
    const h = liveHandle({
      boom: () => {
        throw new RangeError('x has 3 entries, expected 4');
      },
    });
    expect(await answerLiveRequest('nonsense')).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await answerLiveRequest({ id: 'd', handle: h })).toMatchObject({
      id: 'd',
      code: 'bad-request',
    });
    expect(await answerLiveRequest({ id: 'e', handle: h, op: 'nope' })).toMatchObject({
      ok: false,
      code: 'unknown-op',
      error: "no operation 'nope' (this handle has: boom)",
    });
    expect(await answerLiveRequest({ id: 'f', handle: h, op: 'toString' })).toMatchObject({
      code: 'unknown-op',
    });
    expect(await answerLiveRequest({ id: 'g', handle: h, op: 'boom' })).toMatchObject({
      ok: false,
      code: 'failed',
      error: 'boom failed: RangeError: x has 3 entries, expected 4',
    });
    expect(await answerLiveRequest({ id: 'h', handle: 'zz00zz00-3', op: LIVE_PING })).toMatchObject(
      { ok: false, code: 'unknown-handle' },
    );
  });

  it(`keeps the ${MAX_LIVE_HANDLES} most recently used handles and releases older ones`, async () => {
    const first = liveHandle({ f: () => 1 });
    const kept = liveHandle({ f: () => 2 });
    for (let i = 0; i < MAX_LIVE_HANDLES - 2; i++) liveHandle({ f: () => 0 });
    // Using `kept` makes it the most recent, so the next handle releases `first` instead.
    await answerLiveRequest({ id: '1', handle: kept, op: 'f' });
    liveHandle({ f: () => 3 });
    expect(liveHandleCount()).toBe(MAX_LIVE_HANDLES);
    expect(await answerLiveRequest({ id: '2', handle: first, op: 'f' })).toMatchObject({
      ok: false,
      code: 'released',
    });
    expect(await answerLiveRequest({ id: '3', handle: kept, op: 'f' })).toMatchObject({
      ok: true,
      result: 2,
    });
  });

  it('keeps at most MAX_LIVE_BYTES of declared data: big handles release older ones first', async () => {
    const quarter = MAX_LIVE_BYTES / 4;
    const [a, b, c] = [1, 2, 3].map((k) => liveHandle({ f: () => k }, { bytes: quarter }));
    // Using `a` makes it the most recent: the next big handles release b, then c.
    await answerLiveRequest({ id: '1', handle: a!, op: 'f' });
    const d = liveHandle({ f: () => 4 }, { bytes: quarter });
    const e = liveHandle({ f: () => 5 }, { bytes: quarter });
    expect(liveHandleBytes()).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(await answerLiveRequest({ id: '2', handle: b!, op: 'f' })).toMatchObject({
      ok: false,
      code: 'released',
    });
    for (const [h, v] of [
      [a!, 1],
      [c!, 3],
      [d, 4],
      [e, 5],
    ] as const)
      expect(await answerLiveRequest({ id: 'k', handle: h, op: 'f' })).toMatchObject({ result: v });
    // The reads above left `a` the least recently used of the big ones.
    liveHandle({ f: () => 6 }, { bytes: quarter });
    expect(await answerLiveRequest({ id: '3', handle: a!, op: 'f' })).toMatchObject({
      code: 'released',
    });
    // One handle larger than the budget is still kept (the newest always is), alone.
    const huge = liveHandle({ f: () => 7 }, { bytes: 2 * MAX_LIVE_BYTES });
    expect(liveHandleCount()).toBe(1);
    expect(await answerLiveRequest({ id: '4', handle: huge, op: 'f' })).toMatchObject({
      result: 7,
    });
    liveHandle({ f: () => 8 });
    expect(liveHandleBytes()).toBe(0);
    expect(() => liveHandle({ f: () => 0 }, { bytes: -1 })).toThrow(
      "liveHandle: option 'bytes' must be a size >= 0, got -1",
    );
  });

  it('serves the adlab.live target on a comm: one reply per message', async () => {
    let onOpen: ((comm: LiveComm, data: Record<string, unknown>) => void) | undefined;
    registerLiveTarget((name, open) => {
      expect(name).toBe(LIVE_TARGET);
      onOpen = open;
    });
    const sent: Record<string, unknown>[] = [];
    let handler: ((data: Record<string, unknown>) => unknown) | undefined;
    onOpen!({ send: (d) => sent.push(d), onMessage: (h) => (handler = h) }, {});
    const h = liveHandle({ sq: ({ x }: { x: number }) => x * x });
    await handler!({ id: 'q', handle: h, op: 'sq', args: { x: 3 } });
    expect(sent).toEqual([expect.objectContaining({ id: 'q', ok: true, result: 9 })]);
  });
});

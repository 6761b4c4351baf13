import { describe, expect, it } from 'vitest';
import {
  answerLiveRequest,
  LIVE_PING,
  liveHandle,
  liveHandleCount,
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

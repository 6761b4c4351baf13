/**
 * An in-memory kernel for the live channel's tests: `createComm('adlab.live')` talks, through a JSON
 * round trip (as the wire would), to the real kernel-side registry of kernel-lib/src/jupyter/live.ts.
 * `restart()` emits the status a restarting kernel emits and forgets its comms.
 */
import type { Kernel } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { registerLiveTarget, type LiveComm } from '../../kernel-lib/src/jupyter/live';

type OnOpen = (comm: LiveComm, data: Record<string, unknown>) => void;

/** What the fake kernel lets a test change: how it answers, its status. */
export interface MemoryKernel {
  kernel: Kernel.IKernelConnection;
  /** Replace the kernel's answer to each message (e.g. to send a malformed reply). */
  rewrite?: (reply: Record<string, unknown>) => unknown;
  /** Stop answering at all. */
  silent: boolean;
  restart(): void;
  commsOpened: number;
}

const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function memoryKernel(): MemoryKernel {
  const targets = new Map<string, OnOpen>();
  registerLiveTarget((name, onOpen) => targets.set(name, onOpen));
  const statusChanged = new Signal<unknown, string>({});
  const state: MemoryKernel = {
    kernel: undefined as unknown as Kernel.IKernelConnection,
    silent: false,
    commsOpened: 0,
    restart: () => {
      kernel.status = 'restarting';
      statusChanged.emit('restarting');
      kernel.status = 'idle';
      statusChanged.emit('idle');
    },
  };
  const kernel = {
    status: 'idle',
    isDisposed: false,
    statusChanged,
    createComm(target: string) {
      let handler: ((data: Record<string, unknown>) => unknown) | undefined;
      const front = {
        commId: `comm-${state.commsOpened}`,
        isDisposed: false,
        onMsg: (_msg: unknown): void => undefined,
        onClose: (_msg: unknown): void => undefined,
        open() {
          state.commsOpened++;
          const onOpen = targets.get(target);
          if (!onOpen) {
            setTimeout(() => front.onClose({ content: { data: {} } }), 0);
            return;
          }
          const back: LiveComm = {
            send: (data) => {
              if (state.silent) return;
              const out = state.rewrite ? state.rewrite(wire(data)) : wire(data);
              setTimeout(() => front.onMsg({ content: { data: out } }), 0);
            },
            onMessage: (h) => (handler = h),
          };
          onOpen(back, {});
        },
        send(data: Record<string, unknown>) {
          setTimeout(() => void handler?.(wire(data)), 0);
        },
        dispose() {
          front.isDisposed = true;
        },
      };
      return front;
    },
  };
  state.kernel = kernel as unknown as Kernel.IKernelConnection;
  return state;
}

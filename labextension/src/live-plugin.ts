/**
 * adlab's notebook plugin: installs the live widget channel, which finds the kernel of the notebook
 * an output lives in (by DOM containment in a tracked notebook panel). Declares the plugin only.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { LiveChannel, setLiveChannel, type LiveKernelLocator } from './kernel/live-channel';

/** The notebook panel whose DOM contains `node`, if any. */
function panelOf(tracker: INotebookTracker, node: HTMLElement): NotebookPanel | null {
  return tracker.find((panel) => panel.node.contains(node)) ?? null;
}

/** A kernel locator over the notebook tracker. */
export function trackerLocator(tracker: INotebookTracker): LiveKernelLocator {
  return {
    kernelFor: (node) => panelOf(tracker, node)?.sessionContext.session?.kernel ?? null,
    watch: (node, onChange) => {
      const context = panelOf(tracker, node)?.sessionContext;
      if (!context) return () => undefined;
      const changed = (): void => onChange();
      // Busy/idle flips on every cell: only a restart or a dead kernel can lose the handles.
      const status = (_: unknown, s: string): void => {
        if (s === 'restarting' || s === 'autorestarting' || s === 'dead') onChange();
      };
      context.kernelChanged.connect(changed);
      context.statusChanged.connect(status);
      return () => {
        context.kernelChanged.disconnect(changed);
        context.statusChanged.disconnect(status);
      };
    },
  };
}

/** Installs the live channel for adlab's widgets. */
const livePlugin: JupyterFrontEndPlugin<void> = {
  id: 'adlab-labextension:live-channel',
  description: "Connects adlab's widgets to the kernel that made them (comm target adlab.live).",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    setLiveChannel(new LiveChannel(trackerLocator(tracker)));
  },
};

export default livePlugin;

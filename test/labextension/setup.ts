// jsdom lacks DragEvent, which Lumino's drag-and-drop module touches at load time.
if (typeof globalThis.DragEvent === 'undefined') {
  class DragEventPolyfill extends MouseEvent {
    readonly dataTransfer: DataTransfer | null = null;
  }
  (globalThis as { DragEvent?: unknown }).DragEvent = DragEventPolyfill;
}
export {};

// jsdom has no canvas backend (and logs "Not implemented" for getContext): report no context, as a
// browser without 2-D canvas would. Tests that check drawing install their own fake context.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return null;
} as typeof HTMLCanvasElement.prototype.getContext;

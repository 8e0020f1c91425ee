import type { Key } from 'ink';
import type { Pane } from './keymap.js';

/**
 * What a key means for tracing (issue 20): `o` opens the origin chain, `B` runs the blast radius; in the chain, keys
 * move, pivot or close.
 */
export type TraceKey = 'open' | 'radius' | 'up' | 'down' | 'pivot' | 'close';

/**
 * Checked before the app's own key map: while the chain panel is open it takes every key; otherwise
 * only `o` and `B` in the lists mean anything here (KEY_BINDINGS lists both for help and hints).
 */
export function traceKeyFor(
  input: string,
  key: Key,
  context: { readonly focus: Pane; readonly traceOpen: boolean },
): TraceKey | null {
  if (context.traceOpen) {
    if (key.upArrow || input === 'k') return 'up';
    if (key.downArrow || input === 'j') return 'down';
    if (key.return) return 'pivot';
    if (key.escape || input === 'o' || input === 'q') return 'close';
    return null;
  }
  if (context.focus === 'query' || key.ctrl || key.meta) return null;
  if (input === 'o') return 'open';
  if (input === 'B') return 'radius';
  return null;
}

import type { Key } from 'ink';
import type { Pane } from './keymap.js';

/** What a key means for detections (issue 18): `h` opens the view; in it, keys move, narrow to a rule or close. */
export type DetectionKey = 'open' | 'up' | 'down' | 'narrow' | 'close';

/**
 * Checked before the app's own key map, as the trace keys are: while the view is open it takes every
 * key; otherwise only `h` in the lists means anything here (KEY_BINDINGS lists it for help and hints).
 */
export function detectionKeyFor(
  input: string,
  key: Key,
  context: { readonly focus: Pane; readonly open: boolean },
): DetectionKey | null {
  if (context.open) {
    if (key.upArrow || input === 'k') return 'up';
    if (key.downArrow || input === 'j') return 'down';
    if (key.return) return 'narrow';
    if (key.escape || input === 'h' || input === 'q') return 'close';
    return null;
  }
  if (context.focus === 'query' || key.ctrl || key.meta) return null;
  return input === 'h' ? 'open' : null;
}

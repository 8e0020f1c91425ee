import type { Key } from 'ink';
import type { PivotKind } from './pivots.js';
import type { ExportFormat } from '../../search-service/protocol.js';

/** The panes that take keys; Tab cycles through the visible ones. */
export type Pane = 'query' | 'results' | 'detail' | 'facets';

/** What a key asks the app to do. */
export type Command =
  | { readonly type: 'quit' }
  | { readonly type: 'focusQuery' }
  | { readonly type: 'nextPane'; readonly delta: 1 | -1 }
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'page'; readonly by: 1 | -1 }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'enter' }
  | { readonly type: 'negate' }
  | { readonly type: 'escape' }
  | { readonly type: 'pivot'; readonly kind: PivotKind }
  | { readonly type: 'back' }
  | { readonly type: 'toggleFacets' }
  | { readonly type: 'toggleHelp' }
  | { readonly type: 'export' }
  | { readonly type: 'exportAs'; readonly format: ExportFormat }
  | { readonly type: 'refresh' }
  | { readonly type: 'toggleFollow' }
  | { readonly type: 'edit'; readonly edit: 'left' | 'right' | 'start' | 'end' | 'deleteBack' | 'deleteWord' | 'clear' }
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'history'; readonly by: -1 | 1 }
  | { readonly type: 'showQuery'; readonly query: string };

/** One row of the help overlay; the status bar shows the `hint` of the focused pane's bindings. */
export interface Binding {
  readonly keys: string;
  readonly does: string;
  readonly where: 'anywhere' | 'query' | 'lists' | 'results' | 'facets';
  readonly hint?: string;
}

/** Every key binding, in the order the help overlay lists them. */
export const KEY_BINDINGS: readonly Binding[] = [
  { keys: 'type', does: 'edit the query; results follow as you type', where: 'query' },
  { keys: 'Enter', does: 'run now and go to the results', where: 'query', hint: 'Enter results' },
  { keys: '↑ ↓', does: 'earlier and later queries (history)', where: 'query', hint: '↑↓ history' },
  { keys: '← → Ctrl-A Ctrl-E', does: 'move the cursor', where: 'query' },
  { keys: 'Ctrl-U Ctrl-W', does: 'clear the query, delete a word', where: 'query' },
  { keys: 'Esc', does: 'leave the query box', where: 'query', hint: 'Esc leave' },
  { keys: '/', does: 'edit the query', where: 'lists', hint: '/ query' },
  { keys: '↑ ↓ j k', does: 'move the selection or scroll', where: 'lists' },
  { keys: 'PgUp PgDn', does: 'a page up or down', where: 'lists' },
  { keys: 'Home End g G', does: 'first or last', where: 'lists' },
  {
    keys: 'Tab Shift-Tab',
    does: 'next or previous pane: query, results, detail or facets',
    where: 'anywhere',
    hint: 'Tab pane',
  },
  { keys: 'Enter', does: 'open the detail pane', where: 'results' },
  {
    keys: 'i',
    does: 'pivot: same identity (an assumed role: all its sessions)',
    where: 'lists',
    hint: 'i K p s t pivot',
  },
  { keys: 'K', does: 'pivot: same access key (Shift-k: k moves up)', where: 'lists' },
  { keys: 'p', does: 'pivot: same source IP', where: 'lists' },
  { keys: 's', does: 'pivot: same session (assumed-role session ARN, or ASIA key)', where: 'lists' },
  { keys: 't', does: 'pivot: events 15 minutes either side of this one', where: 'lists' },
  {
    keys: 'o',
    does: "origin chain of the event (trace): each hop back to the first principal; Enter pivots to a hop's event",
    where: 'lists',
    hint: 'o origin',
  },
  {
    keys: 'B',
    does: "blast radius of the event's key or identity: every event of every session opened from it",
    where: 'lists',
  },
  {
    keys: 'h',
    does:
      'detections: the shipped Sigma rules matching the results, by level, with exact counts; ' +
      "Enter narrows to one rule's events",
    where: 'lists',
    hint: 'h detections',
  },
  {
    keys: 'Backspace b',
    does: 'back to the query before the last pivot, filter or rule',
    where: 'lists',
    hint: 'b back',
  },
  { keys: 'f', does: 'show or hide the facets pane', where: 'lists', hint: 'f facets' },
  { keys: 'Enter', does: 'add the facet value as a filter', where: 'facets', hint: 'Enter filter' },
  { keys: '- !', does: 'exclude the facet value', where: 'facets', hint: '- exclude' },
  { keys: 'x', does: 'export the results to NDJSON or CSV in the current folder', where: 'lists', hint: 'x export' },
  { keys: 'r', does: 'run the query again (after new events arrive), keeping the selected event', where: 'lists' },
  { keys: 'F', does: 'follow: read new matching events as they arrive (like less +F); F again stops', where: 'lists' },
  { keys: '?', does: 'this help', where: 'lists', hint: '? help' },
  { keys: 'q', does: 'quit', where: 'lists', hint: 'q quit' },
  { keys: 'Ctrl-C', does: 'quit', where: 'anywhere' },
];

/** The short key hints for the status bar, for the focused pane. */
export function hintsFor(focus: Pane): string {
  const wanted =
    focus === 'query'
      ? ['query', 'anywhere']
      : focus === 'facets'
        ? ['facets', 'lists', 'anywhere']
        : ['results', 'lists', 'anywhere'];
  return KEY_BINDINGS.filter((binding) => binding.hint && wanted.includes(binding.where))
    .map((binding) => binding.hint!)
    .join('  ');
}

/** The app's modes that change what keys mean. */
export interface KeyContext {
  readonly focus: Pane;
  readonly mode: 'normal' | 'help' | 'exportPrompt';
}

/** `k` moves up (vi keys), so the access-key pivot is `K`; every pivot also answers to its capital. */
const PIVOT_KEYS: Record<string, PivotKind> = {
  i: 'identity',
  I: 'identity',
  K: 'key',
  p: 'ip',
  P: 'ip',
  s: 'session',
  S: 'session',
  t: 'time',
  T: 'time',
};

/** The command a key press means where the user is, or null for a key with no meaning there. */
export function commandFor(input: string, key: Key, context: KeyContext): Command | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (context.mode === 'help') {
    if (key.upArrow || key.downArrow || input === 'j' || input === 'k')
      return { type: 'move', by: key.upArrow || input === 'k' ? -1 : 1 };
    return { type: 'toggleHelp' };
  }
  if (context.mode === 'exportPrompt') {
    if (input === 'n' || input === 'j') return { type: 'exportAs', format: 'ndjson' };
    if (input === 'c') return { type: 'exportAs', format: 'csv' };
    return { type: 'escape' };
  }
  if (key.tab) return { type: 'nextPane', delta: key.shift ? -1 : 1 };
  if (key.pageUp || key.pageDown) return { type: 'page', by: key.pageUp ? -1 : 1 };
  return context.focus === 'query' ? queryCommand(input, key) : listCommand(input, key);
}

function queryCommand(input: string, key: Key): Command | null {
  if (key.return) return { type: 'enter' };
  if (key.escape) return { type: 'escape' };
  if (key.upArrow || key.downArrow) return { type: 'history', by: key.upArrow ? -1 : 1 };
  if (key.leftArrow || key.rightArrow) return { type: 'edit', edit: key.leftArrow ? 'left' : 'right' };
  if (key.home || (key.ctrl && input === 'a')) return { type: 'edit', edit: 'start' };
  if (key.end || (key.ctrl && input === 'e')) return { type: 'edit', edit: 'end' };
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
  if (key.backspace || key.delete) return { type: 'edit', edit: 'deleteBack' };
  if (key.ctrl && input === 'u') return { type: 'edit', edit: 'clear' };
  if (key.ctrl && input === 'w') return { type: 'edit', edit: 'deleteWord' };
  if (key.ctrl || key.meta || input === '') return null;
  return { type: 'insert', text: input };
}

function listCommand(input: string, key: Key): Command | null {
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.home || input === 'g') return { type: 'home' };
  if (key.end || input === 'G') return { type: 'end' };
  if (key.return) return { type: 'enter' };
  if (key.escape) return { type: 'escape' };
  if (key.backspace || key.delete || input === 'b') return { type: 'back' };
  if (key.ctrl || key.meta) return null;
  const pivot = PIVOT_KEYS[input];
  if (pivot) return { type: 'pivot', kind: pivot };
  const simple: Record<string, Command> = {
    '/': { type: 'focusQuery' },
    '-': { type: 'negate' },
    '!': { type: 'negate' },
    f: { type: 'toggleFacets' },
    '?': { type: 'toggleHelp' },
    x: { type: 'export' },
    r: { type: 'refresh' },
    F: { type: 'toggleFollow' },
    q: { type: 'quit' },
  };
  return simple[input] ?? null;
}

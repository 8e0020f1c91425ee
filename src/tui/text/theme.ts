import type { SegmentKind } from './json-lines.js';

/** How the screen is coloured; `color: false` (NO_COLOR) means no colour at all. */
export interface Theme {
  readonly color: boolean;
}

const COLORS: Partial<Record<SegmentKind | 'accent', string>> = {
  key: 'cyan',
  string: 'green',
  number: 'yellow',
  literal: 'magenta',
  label: 'blue',
  good: 'green',
  bad: 'red',
  muted: 'gray',
  accent: 'cyan',
};

/** The colour for a kind of text, or undefined: no colour at all when the theme has none. */
export function colorFor(theme: Theme, kind: SegmentKind | 'accent'): string | undefined {
  return theme.color ? COLORS[kind] : undefined;
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  return { color: !env['NO_COLOR'] };
}

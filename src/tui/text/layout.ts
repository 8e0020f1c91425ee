import type { TerminalSize } from '../hooks/use-terminal-size.js';

/** Where the panes go for a terminal size. */
export interface Layout {
  /** Detail (or facets) beside the results rather than below them. */
  readonly wide: boolean;
  readonly height: number;
  readonly listWidth: number;
  /** Result rows on screen, below the list's header. */
  readonly listRows: number;
  readonly sideWidth: number;
  /** Lines in the detail or facets pane, below its title. */
  readonly sideRows: number;
}

/** From this many columns the detail pane sits beside the results. */
const WIDE_COLUMNS = 150;

/**
 * The query line (plus two for a query error), the count and timeline, the panes, and two status
 * lines. The frame is one line shorter than the terminal: a frame as tall as the terminal makes Ink
 * clear the whole screen on every update, which flickers.
 */
export function computeLayout(size: TerminalSize, options: { problemLines: number }): Layout {
  const height = Math.max(10, size.rows - 1);
  const panes = Math.max(4, height - 1 - options.problemLines - 1 - 2);
  const wide = size.columns >= WIDE_COLUMNS;
  if (wide) {
    const listWidth = Math.floor(size.columns * 0.55);
    return {
      wide,
      height,
      listWidth,
      listRows: panes - 1,
      sideWidth: size.columns - listWidth - 1,
      sideRows: panes - 1,
    };
  }
  const list = Math.max(2, Math.floor(panes * 0.45));
  return {
    wide,
    height,
    listWidth: size.columns,
    listRows: list - 1,
    sideWidth: size.columns,
    sideRows: panes - list - 1,
  };
}

/** The first row on screen: the previous one if the selection is still visible, else the nearest that shows it. */
export function visibleTop(previousTop: number, selected: number, rows: number): number {
  if (selected < previousTop) return selected;
  if (selected >= previousTop + rows) return Math.max(0, selected - rows + 1);
  return previousTop;
}

import type { render } from 'ink-testing-library';

type RenderedApp = ReturnType<typeof render>;

/**
 * The frame, a wait for a frame, and keys, for a rendered App. `waitTicks` of 10 ms bound each wait:
 * suites whose searches read larger indexes wait longer.
 */
export function driveApp(app: RenderedApp, waitTicks: number) {
  const frame = () => app.lastFrame() ?? '';
  /** Waits until no search is running and the frame satisfies `check`; fails with the last frame. */
  const waitFor = async (check: (frame: string) => boolean, what: string) => {
    for (let i = 0; i < waitTicks; i++) {
      if (!frame().includes('searching…') && check(frame())) return frame();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
  };
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key);
      // Lets Ink read the key (a lone Esc waits one turn to be told from an escape sequence) and React render.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { frame, waitFor, press };
}

import { useCallback, useRef, useState } from 'react';
import { initialState } from '../state/app-state.js';
import type { AppState } from '../state/app-state.js';

/** The screen's state, and `apply` to change it from keys, replies and effects alike. */
export interface AppStore {
  /** The state as last rendered. */
  readonly stored: AppState;
  /** The newest state: keys can arrive faster than renders, and each applies to the newest. */
  readonly stateRef: { readonly current: AppState };
  readonly apply: (update: (previous: AppState) => AppState) => void;
}

export function useAppStore(initialQuery: string): AppStore {
  const [stored, setState] = useState<AppState>(() => initialState(initialQuery));
  const stateRef = useRef(stored);
  const apply = useCallback((update: (previous: AppState) => AppState) => {
    stateRef.current = update(stateRef.current);
    setState(stateRef.current);
  }, []);
  return { stored, stateRef, apply };
}

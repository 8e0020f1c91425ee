import { basename, dirname } from 'node:path';
import { useCallback } from 'react';
import { useApp } from 'ink';
import type { SearchClient, SearchReply } from '../../search-service/protocol.js';
import type { StatusMessage } from '../components/StatusBar.js';
import { forGeneration, reduce } from '../state/app-state.js';
import type { AppState, Effect, StateContext } from '../state/app-state.js';
import type { QueryHistory } from '../state/history.js';
import type { Command } from '../state/keymap.js';
import { formatNumber } from '../text/format.js';
import type { SearchControls } from './use-search.js';

export interface DispatchInputs {
  readonly client: SearchClient;
  readonly search: SearchControls;
  readonly history: QueryHistory;
  readonly exportDir: string;
  readonly stateRef: { readonly current: AppState };
  readonly context: { readonly current: StateContext };
  readonly apply: (update: (previous: AppState) => AppState) => void;
}

/**
 * The one way a command changes the screen: the reducer's next state is applied to the newest state
 * (keys can arrive faster than renders), then its effects run (quit, refresh, count all, remember
 * the query, export the results).
 */
export function useDispatch({ client, search, history, exportDir, stateRef, context, apply }: DispatchInputs) {
  const { exit } = useApp();
  const runEffect = useCallback(
    (effect: Effect) => {
      if (effect.type === 'quit') exit();
      else if (effect.type === 'refresh') search.refresh();
      else if (effect.type === 'countAll') search.countAll();
      else if (effect.type === 'remember') history.add(effect.query);
      else {
        const query = context.current.shownQuery ?? stateRef.current.line.text;
        void client.request({ kind: 'export', query, format: effect.format, dir: exportDir }).then((reply) => {
          apply((previous) => ({ ...previous, message: exportMessage(reply) }));
        });
      }
    },
    [client, exit, search, history, exportDir, apply, stateRef, context],
  );
  return (command: Command) => {
    const next = reduce(forGeneration(stateRef.current, context.current.generation), command, context.current);
    apply(() => next.state);
    for (const effect of next.effects) runEffect(effect);
  };
}

function exportMessage(reply: SearchReply<'export'>): StatusMessage {
  if (reply.ok) {
    const { path, events } = reply.value;
    return {
      text: `exported ${formatNumber(events)} events to ${dirname(path) === process.cwd() ? basename(path) : path}`,
      tone: 'info',
    };
  }
  const reason = 'failure' in reply ? reply.failure : 'queryProblem' in reply ? reply.queryProblem.detail : 'cancelled';
  return { text: `export failed: ${reason}`, tone: 'error' };
}

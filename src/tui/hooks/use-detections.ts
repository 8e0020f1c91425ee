import { useCallback, useRef, useState } from 'react';
import type { Key } from 'ink';
import { detectionKeyFor } from '../state/detection-keys.js';
import type { DetectionsView } from '../../search-service/detection-answers.js';
import type { Command, Pane } from '../state/keymap.js';
import type { SearchClient } from '../../search-service/protocol.js';
import { ruleScopedQuery, splitRuleScope } from '../../search-service/rule-scope.js';

/** The detections view: closed, counting, or showing the rules that match the results it was opened on. */
export interface DetectionsState {
  readonly open: boolean;
  /** The query whose results were counted: Enter narrows it. */
  readonly query: string;
  readonly view: DetectionsView | null;
  readonly failure: string | null;
  readonly selected: number;
}

const CLOSED: DetectionsState = { open: false, query: '', view: null, failure: null, selected: 0 };

interface DetectionKeyContext {
  /** The query the shown results answer, and the snapshot they were read at. */
  readonly shownQuery: string | null;
  readonly upToRowId: number | undefined;
  readonly focus: Pane;
  /** Runs an app command: narrowing to a rule is a `showQuery`, so `b` comes back. */
  readonly dispatch: (command: Command) => void;
}

/**
 * `h` counts the shipped rules over the current results on the search thread; a count asked for by
 * an earlier press is dropped when a newer one was asked for since. Enter narrows the results to the
 * selected rule's events (`rule:ID QUERY`). Rule titles seen are kept so the summary can name the
 * rule a query is narrowed to.
 */
export function useDetections(client: SearchClient, context: DetectionKeyContext) {
  const [detections, setDetections] = useState<DetectionsState>(CLOSED);
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(0);
  const latest = useRef({ detections, context });
  latest.current = { detections, context };

  const open = useCallback(
    (query: string, upToRowId: number | undefined) => {
      const ticket = ++asked.current;
      setDetections({ ...CLOSED, open: true, query });
      void client.request({ kind: 'detections', query, upToRowId }).then((reply) => {
        if (ticket !== asked.current) return;
        if (reply.ok)
          setTitles((known) => new Map([...known, ...reply.value.rules.map((rule) => [rule.id, rule.title] as const)]));
        setDetections((previous) => ({
          ...previous,
          view: reply.ok ? reply.value : null,
          failure: reply.ok
            ? null
            : 'failure' in reply
              ? reply.failure
              : 'queryProblem' in reply
                ? reply.queryProblem.detail
                : 'cancelled',
        }));
      });
    },
    [client],
  );
  const close = useCallback(() => {
    asked.current++;
    setDetections(CLOSED);
  }, []);

  const handle = useCallback(
    (input: string, key: Key): boolean => {
      const { detections: now, context: where } = latest.current;
      const action = detectionKeyFor(input, key, { focus: where.focus, open: now.open });
      if (action === null) return now.open;
      if (action === 'open') {
        if (where.shownQuery !== null) open(where.shownQuery, where.upToRowId);
      } else if (action === 'up' || action === 'down') {
        const by = action === 'up' ? -1 : 1;
        setDetections((previous) => ({
          ...previous,
          selected: Math.max(0, Math.min(previous.selected + by, (previous.view?.rules.length ?? 1) - 1)),
        }));
      } else if (action === 'narrow') {
        const rule = now.view?.rules[now.selected];
        close();
        if (rule) where.dispatch({ type: 'showQuery', query: ruleScopedQuery(rule.id, withoutRule(now.query)) });
      } else {
        close();
      }
      return true;
    },
    [open, close],
  );
  return { detections, titles, handle };
}

/** Narrowing an already narrowed query replaces its rule: rules are not stacked. */
function withoutRule(query: string): string {
  return splitRuleScope(query)?.rest ?? query;
}

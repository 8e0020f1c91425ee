import { useEffect, useState } from 'react';
import type { RuleLabel } from '../../search-service/detection-answers.js';
import type { SearchClient } from '../../search-service/protocol.js';

/** The rules the selected event matches (null while asked), run on the search thread for that event only. */
export function useEventRules(client: SearchClient, rowId: number | null): readonly RuleLabel[] | null {
  const [known, setKnown] = useState<{ rowId: number; rules: readonly RuleLabel[] } | null>(null);
  useEffect(() => {
    if (rowId === null) return;
    let live = true;
    void client.request({ kind: 'eventRules', rowId }).then((reply) => {
      if (live) setKnown({ rowId, rules: reply.ok ? reply.value : [] });
    });
    return () => {
      live = false;
    };
  }, [client, rowId]);
  return known !== null && known.rowId === rowId ? known.rules : null;
}

import { useEffect, useState } from 'react';
import type { SourceState } from '../text/detail-lines.js';
import type { SearchClient } from '../../search-service/protocol.js';

const LOADING: SourceState = { state: 'loading' };

/** The file the selected event came from and its verification, fetched when the selection changes. */
export function useEventSource(client: SearchClient, rowId: number | null): SourceState {
  const [known, setKnown] = useState<{ rowId: number; state: SourceState } | null>(null);
  useEffect(() => {
    if (rowId === null) return;
    let live = true;
    void client.request({ kind: 'source', rowId }).then((reply) => {
      if (live) setKnown({ rowId, state: { state: 'loaded', source: reply.ok ? reply.value : null } });
    });
    return () => {
      live = false;
    };
  }, [client, rowId]);
  return known !== null && known.rowId === rowId ? known.state : LOADING;
}

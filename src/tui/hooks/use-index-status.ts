import { useEffect, useState } from 'react';
import type { SearchClient, StatusResult } from '../../search-service/protocol.js';

/**
 * The index's size and freshness, asked for every `pollMs` (2 s in the app: cheap, two index
 * lookups, and quick enough that events a watcher adds show up while one looks at the screen).
 */
export function useIndexStatus(client: SearchClient, pollMs: number): StatusResult | null {
  const [status, setStatus] = useState<StatusResult | null>(null);
  useEffect(() => {
    let live = true;
    const poll = () => {
      void client.request({ kind: 'status' }).then((reply) => {
        if (live && reply.ok) setStatus(reply.value);
      });
    };
    poll();
    const timer = setInterval(poll, pollMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, pollMs]);
  return status;
}

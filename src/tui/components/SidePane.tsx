import type { EventListRow } from '../../search/engine.js';
import type { DetectionsState } from '../hooks/use-detections.js';
import type { ResultsState } from '../hooks/use-search.js';
import type { TraceState } from '../hooks/use-trace.js';
import type { AppState } from '../state/app-state.js';
import type { FacetItem } from '../state/facet-items.js';
import { formatNumber } from '../text/format.js';
import type { StyledLine } from '../text/json-lines.js';
import type { Layout } from '../text/layout.js';
import type { Theme } from '../text/theme.js';
import { DetailPane } from './DetailPane.js';
import { DetectionsPanel } from './DetectionsPanel.js';
import { FacetsPane } from './FacetsPane.js';
import { TracePanel } from './TracePanel.js';

export interface SidePaneProps {
  readonly layout: Layout;
  readonly state: AppState;
  readonly results: ResultsState;
  readonly items: readonly FacetItem[];
  readonly detail: readonly StyledLine[];
  readonly selected: number;
  readonly selectedRow: EventListRow | null;
  readonly trace: TraceState;
  readonly detections: DetectionsState;
  readonly theme: Theme;
}

/**
 * Beside the list (or below it): the detections or the trace when open, else the facets when shown, else the detail.
 */
export function SidePane({
  layout,
  state,
  results,
  items,
  detail,
  selected,
  selectedRow,
  trace,
  detections,
  theme,
}: SidePaneProps) {
  if (detections.open) {
    return <DetectionsPanel detections={detections} height={layout.sideRows} width={layout.sideWidth} theme={theme} />;
  }
  if (trace.open) return <TracePanel trace={trace} height={layout.sideRows} width={layout.sideWidth} theme={theme} />;
  if (state.showFacets) {
    return (
      <FacetsPane
        items={results.facets ? items : null}
        sampled={results.facets && !results.facets.complete ? results.facets.counted : null}
        selected={state.facetIndex}
        height={layout.sideRows}
        width={layout.sideWidth}
        focused={state.focus === 'facets'}
        theme={theme}
      />
    );
  }
  return (
    <DetailPane
      lines={detail}
      scroll={Math.min(state.detailScroll, Math.max(0, detail.length - layout.sideRows))}
      height={layout.sideRows}
      focused={state.focus === 'detail'}
      title={selectedRow ? `event ${formatNumber(selected + 1)} of ${countText(results)}` : 'detail'}
      theme={theme}
    />
  );
}

function countText(results: ResultsState): string {
  if (results.endAt !== null) return formatNumber(results.endAt);
  return results.count ? `${formatNumber(results.count.count)}${results.count.capped ? '+' : ''}` : '…';
}

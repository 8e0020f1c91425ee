import { Box, Text } from 'ink';
import { escapeForTerminal, truncateToWidth } from '../../present/safe-text.js';
import type { RuleCount } from '../../search-service/detection-answers.js';
import { formatNumber } from '../text/format.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';
import type { DetectionsState } from '../hooks/use-detections.js';

export interface DetectionsPanelProps {
  readonly detections: DetectionsState;
  readonly height: number;
  readonly width: number;
  readonly theme: Theme;
}

/** The rules that match the results, highest level first, with their exact counts; the selected rule's author below. */
export function DetectionsPanel({ detections, height, width, theme }: DetectionsPanelProps) {
  const { view, selected } = detections;
  const rules = view?.rules ?? [];
  const lines = view
    ? rules.length
      ? rules.map(ruleLine)
      : [`no detection: none of the ${view.ran} rules matches these results`]
    : [detections.failure ?? 'running the rules…'];
  const rows = Math.max(1, height - 2);
  const top = Math.max(0, Math.min(selected - Math.floor(rows / 2), lines.length - rows));
  const chosen = rules[selected];
  const credit = chosen ? escapeForTerminal(`${chosen.title} (${chosen.id}) by ${chosen.author ?? 'no author'}`) : '';
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={colorFor(theme, 'accent')} bold={theme.color}>
        ▸ detections in these results ↑↓ rule Enter narrow Esc close
      </Text>
      {lines.slice(top, top + rows).map((line, i) => (
        <Text key={top + i} inverse={rules.length > 0 && top + i === selected} wrap="truncate-end">
          {truncateToWidth(line, width - 1)}
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        {truncateToWidth(credit, width - 1)}
      </Text>
    </Box>
  );
}

/** `high      12  Console login without MFA`: the title is the rule author's text, escaped. */
function ruleLine(rule: RuleCount): string {
  return `${rule.level.padEnd(13)} ${formatNumber(rule.count).padStart(7)}  ${escapeForTerminal(rule.title)}`;
}

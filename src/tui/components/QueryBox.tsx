import { Box, Text } from 'ink';
import { displayWidth, escapeForTerminal } from '../../present/safe-text.js';
import type { QueryProblem } from '../../search-service/protocol.js';
import { colorFor } from '../text/theme.js';
import type { Theme } from '../text/theme.js';

export interface QueryBoxProps {
  readonly text: string;
  readonly cursor: number;
  readonly focused: boolean;
  /** Why this text does not parse; a caret goes under the offending token. */
  readonly problem: QueryProblem | null;
  readonly width: number;
  readonly theme: Theme;
}

const PROMPT = 'search› ';

/**
 * The query line. Text that came from the logs (a pivot's ARN) may hold anything, so it is shown
 * escaped, and the cursor and caret are placed by the escaped text's width.
 */
export function QueryBox({ text, cursor, focused, problem, width, theme }: QueryBoxProps) {
  const room = Math.max(4, width - PROMPT.length - 1);
  const typed = escapeForTerminal(text.slice(0, cursor));
  // Scrolled sideways only as far as needed to keep the cursor on screen.
  const shift = Math.max(0, displayWidth(typed) - room + 1);
  const before = dropColumns(typed, shift);
  const after = escapeForTerminal(text.slice(cursor));
  const [under, ...rest] = [...after];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={colorFor(theme, 'accent')} bold={theme.color && focused}>
          {focused ? PROMPT : PROMPT.replace('›', ':')}
        </Text>
        <Text>{before}</Text>
        {focused && theme.color ? <Text inverse>{under ?? ' '}</Text> : <Text>{under ?? (focused ? '█' : '')}</Text>}
        <Text>{rest.join('')}</Text>
      </Text>
      {problem && <ProblemLines text={text} problem={problem} shift={shift} theme={theme} />}
    </Box>
  );
}

function ProblemLines({
  text,
  problem,
  shift,
  theme,
}: {
  text: string;
  problem: QueryProblem;
  shift: number;
  theme: Theme;
}) {
  const start = displayWidth(escapeForTerminal(text.slice(0, problem.at)));
  const length = Math.max(1, displayWidth(escapeForTerminal(text.slice(problem.at, problem.at + problem.length))));
  const column = Math.max(0, start - shift);
  return (
    <>
      <Text wrap="truncate-end" color={colorFor(theme, 'bad')}>
        {' '.repeat(PROMPT.length + column)}
        {'^'.repeat(length)}
      </Text>
      <Text wrap="truncate-end" color={colorFor(theme, 'bad')}>
        {' '.repeat(PROMPT.length)}
        {escapeForTerminal(problem.detail)}
      </Text>
    </>
  );
}

/** The text without its first `columns` terminal columns. */
function dropColumns(text: string, columns: number): string {
  if (columns <= 0) return text;
  let dropped = 0;
  let i = 0;
  const chars = [...text];
  while (i < chars.length && dropped < columns + 1) dropped += displayWidth(chars[i++]!);
  return `…${chars.slice(i).join('')}`;
}

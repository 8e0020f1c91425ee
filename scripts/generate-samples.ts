import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { generateArchive, SMALL_SET } from './samplegen/archive.js';

/**
 * Writes a realistic CloudTrail archive in the S3 layout: the committed samples/ by default, or a
 * benchmark corpus with --events N (digests off unless --digests).
 *   node dist/scripts/generate-samples.js --out samples
 *   node dist/scripts/generate-samples.js --out /tmp/corpus --events 1000000 --days 7
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      events: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      digests: { type: 'boolean' },
    },
  });
  if (!values.out) {
    process.stderr.write('usage: generate-samples --out DIR [--events N] [--days D] [--seed S] [--digests]\n');
    process.exitCode = 2;
    return;
  }
  const large = values.events !== undefined;
  rmSync(`${values.out}/AWSLogs`, { recursive: true, force: true });
  const summary = generateArchive({
    outDir: values.out,
    seed: values.seed ? Number(values.seed) : SMALL_SET.seed,
    events: large ? Number(values.events) : SMALL_SET.events,
    days: values.days ? Number(values.days) : large ? 7 : SMALL_SET.days,
    startDate: SMALL_SET.startDate,
    digests: large ? values.digests === true : true,
  });
  process.stderr.write(
    `wrote ${summary.events} events in ${summary.logFiles} log files and ${summary.digestFiles} digests ` +
      `(${summary.rawJsonBytes} bytes of JSON) to ${values.out}\n`,
  );
}

main();

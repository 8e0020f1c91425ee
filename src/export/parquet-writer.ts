import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ParquetWriter, fileWriter, schemaFromColumnData } from 'hyparquet-writer';

/** One column of the export: its name and Parquet type (text, a boolean, or a UTC timestamp). */
export interface ParquetColumn {
  readonly name: string;
  readonly type: 'STRING' | 'BOOLEAN' | 'TIMESTAMP';
}

export type ParquetValue = string | boolean | Date | null;

/**
 * Rows in Hive-partitioned Parquet files, one partition open at a time: the rows must arrive grouped
 * by partition. Memory holds at most one row group (`rowGroupRows` rows) of one file.
 */
export class PartitionedParquetWriter {
  private current: { readonly key: string; readonly writer: ParquetWriter; rows: ParquetValue[][] } | null = null;
  private readonly seen = new Set<string>();
  private readonly schema;
  filesWritten = 0;

  constructor(
    private readonly dir: string,
    private readonly columns: readonly ParquetColumn[],
    private readonly rowGroupRows = 10_000,
  ) {
    this.schema = schemaFromColumnData({
      columnData: columns.map((column) => ({ name: column.name, data: [], type: column.type, nullable: true })),
    });
  }

  /** Adds a row to the partition named by `partition` (`[['account', '1111…'], …]`), in column order. */
  write(partition: readonly (readonly [string, string])[], row: ParquetValue[]): void {
    const key = partition.map(([name, value]) => `${name}=${hivePathValue(value)}`).join('/');
    if (this.current?.key !== key) this.open(key);
    this.current!.rows.push(row);
    if (this.current!.rows.length >= this.rowGroupRows) this.flush();
  }

  close(): void {
    if (!this.current) return;
    this.flush();
    this.current.writer.finish();
    this.current = null;
  }

  private open(key: string): void {
    this.close();
    // Rows come sorted by partition, so a partition met again would overwrite its file.
    if (this.seen.has(key)) throw new Error(`rows of partition ${key} arrived after another partition`);
    this.seen.add(key);
    const folder = join(this.dir, ...key.split('/'));
    mkdirSync(folder, { recursive: true });
    const writer = new ParquetWriter({
      writer: fileWriter(join(folder, 'part-0.parquet')),
      schema: this.schema,
      createdBy: 'trailhound',
    });
    this.current = { key, writer, rows: [] };
    this.filesWritten++;
  }

  private flush(): void {
    const current = this.current;
    if (!current || current.rows.length === 0) return;
    const columnData = this.columns.map((column, index) => ({
      name: column.name,
      data: current.rows.map((row) => row[index] ?? null),
      type: column.type,
      nullable: true,
    }));
    void current.writer.write({ columnData, rowGroupSize: current.rows.length });
    current.rows = [];
  }
}

/**
 * A Hive partition value as a folder name: values come from the logs (attacker-controlled), so
 * anything but letters, digits, `-` and `_` is %-escaped as Hive does; `..` or `/` can never form a
 * path. An absent value is Hive's default partition.
 */
export function hivePathValue(value: string): string {
  if (value === '') return '__HIVE_DEFAULT_PARTITION__';
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

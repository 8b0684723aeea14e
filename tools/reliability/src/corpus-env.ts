import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A fresh directory under the OS temp dir for a corpus test file. */
export function corpusTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `eht-corpus-${prefix}-`))
}

/** INI text of a station writing to one InfluxDB 1.x: logfile, spool and errors file under `dir`, fast batches. */
export function corpusConfigText(dir: string, influxUrl: string, database: string, extra: readonly string[] = []): string {
  return [
    '[client]',
    `bucket = ${database}`,
    '[logfile]',
    `path = ${path.join(dir, 'log', 'eht-%Y-%m-%d.jsonl')}`,
    'flush_interval = 100ms',
    '[retry]',
    'max_retries = 2',
    'min_delay = 50ms',
    'max_delay = 200ms',
    'max_retry_time = 10s',
    '[spool]',
    `dir = ${path.join(dir, 'spool')}`,
    '[errors]',
    `errors_file = ${path.join(dir, 'errors.jsonl')}`,
    'stderr = every',
    '[server.local]',
    `url = ${influxUrl}`,
    'api = v1',
    'flush_interval = 100ms',
    'timeout = 5s',
    ...extra,
    '',
  ].join('\n')
}

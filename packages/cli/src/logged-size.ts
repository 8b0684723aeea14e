import type { InfluxRecord, LogFormat } from '@eht-influx-client/logfile'

type Logfile = typeof import('@eht-influx-client/logfile')

/**
 * The longest line, in UTF-8 bytes without its newline, that `record` makes in
 * the logfile (`format`) and in the spool (line protocol). It may be longer
 * than the input line (JSONL escapes a control character in 6 bytes; a
 * timestamp may be added), and a line longer than the readers take could
 * never be replayed. `defaultTags` are the tags the writer adds to a point
 * that lacks them (`[client] station` as `station`): they are in the logged
 * line too.
 */
export function loggedLineBytes(logfile: Logfile, format: LogFormat, decoded: InfluxRecord, defaultTags: Readonly<Record<string, string>> = {}): number {
  let record = decoded
  for (const [key, value] of Object.entries(defaultTags)) {
    if (record.tags[key] === undefined) record = { ...record, tags: { ...record.tags, [key]: value } }
  }
  const lp = Buffer.byteLength(logfile.encodeLineProtocol(record))
  let logged: number
  switch (format) {
    case 'lp':
      return lp
    case 'jsonl':
      logged = Buffer.byteLength(logfile.encodeJsonl(record))
      break
    case 'csv':
      // its data row is the longest line of a table of one record
      logged = Math.max(...new logfile.CsvEncoder().encode([record]).split('\n').map((line) => Buffer.byteLength(line)))
      break
  }
  return Math.max(lp, logged)
}

import { encodeLineProtocol, type InfluxRecord } from '@eht-influx-client/logfile'

// logfile's encoder is the one authority on names, escaping and quoting. For a
// name or an unusual value, encode a tiny probe point with it and read the
// escaped text back; logfile's RecordError (naming what is wrong) propagates.

const T = 1_000_000_000_000_000_000n
const TAIL = ` ${T}`
const probe = (measurement: string, tags: Record<string, string>, fields: InfluxRecord['fields']): string => encodeLineProtocol({ measurement, tags, fields, timestamp: T })
const TRUE = { f: { type: 'boolean', value: true } } as const

/** The escaped measurement (throws RecordError for a bad one). */
export function escapedMeasurement(name: string): string {
  const line = probe(name, {}, TRUE)
  return line.slice(0, line.length - ` f=true${TAIL}`.length)
}

/** The escaped tag key (throws RecordError for a bad one). */
export function escapedTagKey(name: string): string {
  const line = probe('m', { [name]: 'v' }, TRUE)
  return line.slice(2, line.length - `=v f=true${TAIL}`.length)
}

/** The escaped field key (throws RecordError for a bad one). */
export function escapedFieldKey(name: string): string {
  const line = probe('m', {}, { [name]: { type: 'boolean', value: true } })
  return line.slice(2, line.length - `=true${TAIL}`.length)
}

/** The escaped tag value (throws RecordError for a bad one); '' for an empty value (dropped). */
export function escapedTagValue(value: string): string {
  if (value === '') return ''
  const line = probe('m', { t: value }, TRUE)
  return line.slice(4, line.length - ` f=true${TAIL}`.length)
}

/** The quoted string field value (throws RecordError for a bad one). */
export function quotedString(value: string): string {
  const line = probe('m', {}, { f: { type: 'string', value } })
  return line.slice(4, line.length - TAIL.length)
}

import type { InfluxRecord } from '@eht-influx-client/logfile'

function seriesKey(record: InfluxRecord): string {
  let key = record.measurement
  for (const name of Object.keys(record.tags).sort()) key += `\u0000${name}\u0000${record.tags[name]}`
  return key
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function sortedObject<T>(object: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {}
  for (const key of Object.keys(object).sort()) out[key] = object[key]!
  return out
}

/**
 * Records in time order; at the same time, by measurement then tags; tags and
 * fields in key order (as line protocol has them), so an export is reproducible
 * whatever order the server answered in.
 */
export function sortRecords(records: readonly InfluxRecord[]): InfluxRecord[] {
  const keyed = records.map((r) => {
    const record = { ...r, tags: sortedObject(r.tags), fields: sortedObject(r.fields) }
    return { record, key: seriesKey(record) }
  })
  keyed.sort((a, b) => {
    const ta = a.record.timestamp
    const tb = b.record.timestamp
    return ta < tb ? -1 : ta > tb ? 1 : byText(a.key, b.key)
  })
  return keyed.map((k) => k.record)
}

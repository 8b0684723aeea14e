import { Point } from '@influxdata/influxdb-client'
import { decodeLineProtocol, LineProtocolError, nowNs, type InfluxRecord } from '@eht-influx-client/logfile'
import { invalid, PointCollector } from './point-collector.js'
import { checkPointNames } from './point-names.js'
import { TimestampProblem, checkPlausible, scaleToNs, toNs, type TimestampUnit } from './timestamps.js'

export interface PointOptions {
  timestampUnit: TimestampUnit
  defaultTags: Readonly<Record<string, string>>
  skipInvalid: boolean
}

function isPoint(value: unknown): value is Point {
  return value instanceof Point || (typeof value === 'object' && value !== null && typeof (value as Point).toLineProtocol === 'function' && 'fields' in value)
}

function withDefaultTags(record: InfluxRecord, defaults: Readonly<Record<string, string>>): InfluxRecord {
  for (const key in defaults) if (record.tags[key] === undefined) record.tags[key] = defaults[key]!
  return record
}

/** An official `Point`: its names checked as a record's, its own line protocol, our timestamp (now when it has none). */
function pointToRecord(point: Point, index: number, o: PointOptions): InfluxRecord {
  checkPointNames(point)
  let problem: TimestampProblem | undefined
  const line = point.toLineProtocol({
    convertTime: (time) => {
      try {
        return String(time === undefined ? nowNs() : toNs(time, o.timestampUnit))
      } catch (error) {
        if (!(error instanceof TimestampProblem)) throw error
        problem = error
        return '0'
      }
    },
  })
  if (problem !== undefined) throw invalid('point', index, 'timestamp', problem.message)
  if (line === undefined) throw invalid('point', index, undefined, 'the Point has no measurement or no field; InfluxDB needs both')
  try {
    return decodeLineProtocol(line)
  } catch (error) {
    if (LineProtocolError.isInstance(error)) throw invalid('point', index, undefined, `${error.message} in ${JSON.stringify(line)}`, error)
    throw error
  }
}

/** Our record: copied (the caller keeps theirs), timestamp checked for 1990-2100. */
function ownRecord(record: InfluxRecord, index: number): InfluxRecord {
  if (typeof record.timestamp !== 'bigint') throw invalid('point', index, 'timestamp', `a record's timestamp must be a bigint of nanoseconds, got ${typeof record.timestamp}`)
  try {
    checkPlausible(record.timestamp, () => `${record.timestamp} (ns)`)
  } catch (error) {
    throw invalid('point', index, 'timestamp', (error as Error).message)
  }
  return { measurement: record.measurement, tags: { ...record.tags }, fields: { ...record.fields }, timestamp: record.timestamp }
}

/** Official `Point`s or our records -> records and line protocol. */
export function normalizePoints(points: readonly unknown[], o: PointOptions): PointCollector {
  const collector = new PointCollector('point', o.skipInvalid)
  for (let i = 0; i < points.length; i++) {
    const item = points[i]
    collector.add(i, () => {
      if (isPoint(item)) return withDefaultTags(pointToRecord(item, i, o), o.defaultTags)
      if (typeof item === 'object' && item !== null && 'measurement' in item && 'fields' in item) return withDefaultTags(ownRecord(item as InfluxRecord, i), o.defaultTags)
      throw invalid('point', i, undefined, `expected a Point from @influxdata/influxdb-client or a record { measurement, tags, fields, timestamp }, got ${item === null ? 'null' : typeof item}`)
    })
  }
  return collector
}

/** Lines of line protocol (timestamps in `timestampUnit`; a line without one gets now) -> records. */
export function normalizeLines(lines: readonly unknown[], o: PointOptions): PointCollector {
  const collector = new PointCollector('line', o.skipInvalid)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    collector.add(i, () => {
      if (typeof line !== 'string') throw invalid('line', i, undefined, `expected a string of line protocol, got ${typeof line}`)
      if (line.includes('\n')) throw invalid('line', i, undefined, 'contains a newline; pass one point per line (writeRecords for several)')
      let record: InfluxRecord
      try {
        record = decodeLineProtocol(line)
      } catch (error) {
        if (!LineProtocolError.isInstance(error)) throw error
        if (!/no timestamp/.test(error.message)) throw invalid('line', i, undefined, error.message, error)
        record = decodeLineProtocol(`${line.trimEnd()} ${nowNs()}`)
        return withDefaultTags(record, o.defaultTags)
      }
      if (o.timestampUnit !== 'ns') record.timestamp = scaleToNs(record.timestamp, o.timestampUnit)
      try {
        checkPlausible(record.timestamp, () => `${line.slice(line.lastIndexOf(' ') + 1)} (${o.timestampUnit})`, record.timestamp / scaleToNs(1n, o.timestampUnit), o.timestampUnit, true)
      } catch (error) {
        throw invalid('line', i, 'timestamp', (error as Error).message)
      }
      return withDefaultTags(record, o.defaultTags)
    })
  }
  return collector
}

import { describe, expect, it } from 'vitest'
import { Point } from '@influxdata/influxdb-client'
import { nowNs } from '@eht-influx-client/logfile'
import { inputError } from '../test/helpers.js'
import { normalizeLines, normalizePoints, type PointOptions } from './points.js'

const T = 1617672549204824064n
const options: PointOptions = { timestampUnit: 'ns', defaultTags: {}, skipInvalid: false }

const failure = inputError

describe('normalizePoints', () => {
  it('takes official Points with every field type, and keeps ns timestamps exact', () => {
    const point = new Point('maser').tag('station', 'Kp').floatField('f', 1.5).intField('i', -3).uintField('u', 7).stringField('s', 'a b').booleanField('b', false).timestamp(String(T))
    const { records, lines } = normalizePoints([point], options)
    expect(records[0]).toEqual({
      measurement: 'maser',
      tags: { station: 'Kp' },
      fields: { f: { type: 'float', value: 1.5 }, i: { type: 'integer', value: -3n }, u: { type: 'unsigned', value: 7n }, s: { type: 'string', value: 'a b' }, b: { type: 'boolean', value: false } },
      timestamp: T,
    })
    expect(lines[0]).toBe('maser,station=Kp b=F,f=1.5,i=-3i,s="a b",u=7u 1617672549204824064')
  })

  it('gives a Point without a time the current time, and reads Date and number times', () => {
    const before = nowNs()
    const { records } = normalizePoints([new Point('m').floatField('v', 1), new Point('m').floatField('v', 1).timestamp(new Date('2021-04-06T01:29:09.204Z')), new Point('m').floatField('v', 1).timestamp(1617672549)], {
      ...options,
      timestampUnit: 's',
    })
    expect(records[0]!.timestamp).toBeGreaterThanOrEqual(before)
    expect(records[0]!.timestamp).toBeLessThanOrEqual(nowNs())
    expect(records[1]!.timestamp).toBe(1617672549204000000n)
    expect(records[2]!.timestamp).toBe(1617672549000000000n)
  })

  it('takes our records (copied, so the caller may reuse theirs) and adds default tags', () => {
    const record = { measurement: 'm', tags: {}, fields: { v: { type: 'float' as const, value: 1 } }, timestamp: T }
    const { records } = normalizePoints([record], { ...options, defaultTags: { station: 'Kp' } })
    expect(records[0]!.tags).toEqual({ station: 'Kp' })
    expect(record.tags).toEqual({})
  })

  it('names the bad point: no field, an implausible time, not a point at all', () => {
    expect(failure(() => normalizePoints([new Point('m').floatField('v', 1).timestamp(String(T)), new Point('m')], options)).message).toBe(
      'point 1: the Point has no measurement or no field; InfluxDB needs both',
    )
    expect(failure(() => normalizePoints([new Point('m').floatField('v', 1).timestamp(1617672549204)], options))).toMatchObject({ row: 0, column: 'timestamp' })
    expect(failure(() => normalizePoints([{ measurement: 'm', tags: {}, fields: {}, timestamp: T }], options)).message).toMatch(/^point 0, column "fields": .*no fields/)
    expect(failure(() => normalizePoints(['m v=1'], options)).message).toContain('point 0: expected a Point')
  })
})

describe('normalizePoints: a Point gets the same name checks as a record', () => {
  const record = (tags: Record<string, string>, field = 'v', measurement = 'gps') => ({ measurement, tags, fields: { [field]: { type: 'float' as const, value: 1 } }, timestamp: T })
  const cases: [string, Point, ReturnType<typeof record>][] = [
    ['a CR in a tag value', new Point('gps').tag('receiver', 'GPS 1\r').floatField('v', 1).timestamp(String(T)), record({ receiver: 'GPS 1\r' })],
    ['a newline in the measurement', new Point('gps\n').floatField('v', 1).timestamp(String(T)), record({}, 'v', 'gps\n')],
    ['a tab in a field key', new Point('gps').floatField('temp\tC', 1).timestamp(String(T)), record({}, 'temp\tC')],
    ['a newline in a tag key', new Point('gps').tag('rx\n', 'x').floatField('v', 1).timestamp(String(T)), record({ 'rx\n': 'x' })],
    ['a tag value ending in a backslash', new Point('gps').tag('dir', 'C:\\').floatField('v', 1).timestamp(String(T)), record({ dir: 'C:\\' })],
    ['a field key starting with "_"', new Point('gps').floatField('_v', 1).timestamp(String(T)), record({}, '_v')],
  ]
  it.each(cases)('%s: refused with the error a record gets, not written with the characters changed', (_, point, same) => {
    const fromPoint = failure(() => normalizePoints([point], options))
    const fromRecord = failure(() => normalizePoints([same], options))
    expect(fromPoint.message).toBe(fromRecord.message)
    expect(fromPoint).toMatchObject({ row: 0, column: fromRecord.column })
  })

  it('checks a new name or string value of a Point whose other names passed before (names are checked once each)', () => {
    const good = () => new Point('gps_known').tag('receiver', 'GPS 1').tag('site', 'Kp').floatField('v', 1).stringField('s', 'ok').timestamp(String(T))
    expect(normalizePoints([good(), good()], options).records).toHaveLength(2)
    const bad: [Point, string][] = [
      [good().tag('receiver', 'GPS 1\r'), 'column "receiver": tag value "GPS 1\\r" contains control character U+000D'],
      [good().tag('_site', 'Kp'), 'column "_site": tag key "_site" starts with "_"'],
      [good().tag('time', 'GPS 1'), 'column "time": tag key "time" is reserved'],
      [good().stringField('s', 'a\nb'), 'column "s": string field "s" contains a newline'],
      [good().floatField('_v', 2), 'column "_v": field key "_v" starts with "_"'],
    ]
    for (const [point, message] of bad) expect(failure(() => normalizePoints([point], options)).message).toContain(`point 0, ${message}`)
    expect(normalizePoints([good()], options).records).toHaveLength(1)
  })

  it('names the character: a CR in a tag value', () => {
    expect(failure(() => normalizePoints([new Point('gps').tag('receiver', 'GPS 1\r').floatField('v', 1)], options)).message).toBe(
      'point 0, column "receiver": tag value "GPS 1\\r" contains control character U+000D at index 5, which line protocol cannot carry',
    )
  })

  it('a string field holding a newline: the same error as a record', () => {
    const fromPoint = failure(() => normalizePoints([new Point('m').stringField('s', 'a\nb').timestamp(String(T))], options))
    const fromRecord = failure(() => normalizePoints([{ measurement: 'm', tags: {}, fields: { s: { type: 'string', value: 'a\nb' } }, timestamp: T }], options))
    expect(fromPoint.message).toBe(fromRecord.message)
  })

  it('still takes what line protocol escapes (spaces, commas, equals signs, quotes, backslashes inside names) and numbers as tag values', () => {
    const point = new Point('m s,x').tag('t k=', 'a b,c=d\\e').tag('n', 7 as unknown as string).stringField('s', 'say "hi" \\ ok').floatField('f k', 1).timestamp(String(T))
    const { records } = normalizePoints([point], options)
    expect(records[0]).toEqual({
      measurement: 'm s,x',
      tags: { n: '7', 't k=': 'a b,c=d\\e' },
      fields: { 'f k': { type: 'float', value: 1 }, s: { type: 'string', value: 'say "hi" \\ ok' } },
      timestamp: T,
    })
  })
})

describe('normalizeLines', () => {
  it('decodes line protocol, and a line without a timestamp gets the current time', () => {
    const before = nowNs()
    const { records, lines } = normalizeLines(['m,station=Kp v=1i 1617672549204824064', 'm v="x"'], options)
    expect(lines[0]).toBe('m,station=Kp v=1i 1617672549204824064')
    expect(records[1]!.timestamp).toBeGreaterThanOrEqual(before)
  })

  it('scales timestamps by timestampUnit', () => {
    expect(normalizeLines(['m v=1 1617672549204'], { ...options, timestampUnit: 'ms' }).lines).toEqual(['m v=1 1617672549204000000'])
  })

  it('names the bad line and what is wrong', () => {
    expect(failure(() => normalizeLines(['m v=1 1617672549204824064', 'm v=', 'm v=1'], options)).message).toMatch(/^line 1: column 5: field "v" has no value/)
    expect(failure(() => normalizeLines(['m v=1 1617672549204'], options)).message).toContain("line 0, column \"timestamp\": timestamp 1617672549204 (ns) is outside 1990-2100; this looks like milliseconds; set timestampUnit: 'ms'")
    expect(failure(() => normalizeLines(['m v=1 1\nm v=2 2'], options)).message).toContain('contains a newline')
  })
})

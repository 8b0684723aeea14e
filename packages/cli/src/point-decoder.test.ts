import * as logfile from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { namesMeasurement, pointDecoder, withMeasurement } from './point-decoder.js'

const none = { measurement: undefined, tags: {} }

describe('pointDecoder: line protocol', () => {
  it('decodes like InfluxDB; blank and comment lines hold no point', () => {
    const decoder = pointDecoder(logfile, 'lp', none)
    expect(decoder.decode('m,b=2,a=1 v=1i 1617672549204824064', 1)).toEqual({ measurement: 'm', tags: { a: '1', b: '2' }, fields: { v: { type: 'integer', value: 1n } }, timestamp: 1617672549204824064n })
    expect(decoder.decode('', 2)).toBeUndefined()
    expect(decoder.decode('  # note', 3)).toBeUndefined()
  })

  it('a line without a timestamp gets the current time in ns', () => {
    const before = logfile.nowNs()
    const record = pointDecoder(logfile, 'lp', none).decode('m v=1', 1)!
    expect(record.timestamp >= before && record.timestamp <= logfile.nowNs()).toBe(true)
  })

  it('a bad line throws the logfile error with its column; --measurement never renames a line', () => {
    const decoder = pointDecoder(logfile, 'lp', { measurement: 'other', tags: {} })
    expect(() => decoder.decode('m v=', 1)).toThrow(expect.objectContaining({ name: 'LineProtocolError', column: expect.any(Number) }))
    expect(decoder.decode('m v=1 1617672549204824064', 2)!.measurement).toBe('m')
  })

  it('--tag defaults fill missing tags only, in key order', () => {
    const record = pointDecoder(logfile, 'lp', { measurement: undefined, tags: { station: 'Kp', zone: 'z' } }).decode('m,station=Pv,a=1 v=1 1617672549204824064', 1)!
    expect(Object.entries(record.tags)).toEqual([['a', '1'], ['station', 'Pv'], ['zone', 'z']])
  })
})

describe('pointDecoder: JSONL', () => {
  it('blank and # comment lines hold no point (a JSON line never starts with #)', () => {
    const decoder = pointDecoder(logfile, 'jsonl', { measurement: 'wx', tags: {} })
    expect(decoder.decode('# readings of the maser', 1)).toBeUndefined()
    expect(decoder.decode('  #{"time":"1","fields":{"v":1}}', 2)).toBeUndefined()
    expect(decoder.decode('   ', 3)).toBeUndefined()
    expect(decoder.decode('{"time":"1617672549204824064","fields":{"v":1.5}}', 4)!.measurement).toBe('wx')
  })
})

describe('withMeasurement (JSONL)', () => {
  it('inserts the default into an object without one, leaving the rest of the text as it is', () => {
    expect(withMeasurement('{"time":"1","fields":{"v":1.50}}', 'wx')).toBe('{"measurement":"wx","time":"1","fields":{"v":1.50}}')
    expect(withMeasurement('{}', 'wx')).toBe('{"measurement":"wx"}')
  })

  it('leaves objects with a measurement, non-objects, bad JSON and no default alone', () => {
    for (const text of ['{"measurement":"m","time":"1"}', '[1]', 'not json', '"x"']) expect(withMeasurement(text, 'wx')).toBe(text)
    expect(withMeasurement('{"time":"1"}', undefined)).toBe('{"time":"1"}')
  })
})

describe('pointDecoder: JSONL', () => {
  it('a line without "measurement" and no --measurement says how to give one', () => {
    const decoder = pointDecoder(logfile, 'jsonl', none)
    expect(() => decoder.decode('{"time":"1617672549204824064","fields":{"v":1}}', 1)).toThrow(
      expect.objectContaining({ name: 'JsonlError', message: `the line must have required property 'measurement': add "measurement" to the line, or give --measurement` }),
    )
    const given = pointDecoder(logfile, 'jsonl', { measurement: 'wx', tags: {} }).decode('{"time":"1617672549204824064","fields":{"v":1}}', 1)
    expect(given!.measurement).toBe('wx')
  })
})

describe('pointDecoder: --precision', () => {
  const instant = 1617672549n // 2021-04-06T01:29:09Z
  it.each([
    ['s', `${instant}`],
    ['ms', `${instant}204`],
    ['us', `${instant}204824`],
    ['ns', `${instant}204824064`],
  ] as const)('--precision %s: a line protocol or JSONL time of that unit is that instant, in ns, exactly', (precision, digits) => {
    const ns = BigInt(digits) * { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n }[precision]
    expect(ns / 1_000_000_000n).toBe(instant)
    expect(pointDecoder(logfile, 'lp', { ...none, precision }).decode(`m v=1 ${digits}`, 1)!.timestamp).toBe(ns)
    expect(pointDecoder(logfile, 'jsonl', { ...none, precision }).decode(`{"time":"${digits}","measurement":"m","fields":{"v":1}}`, 1)!.timestamp).toBe(ns)
  })

  it('a line without a timestamp gets the current time, not scaled', () => {
    const before = logfile.nowNs()
    const record = pointDecoder(logfile, 'lp', { ...none, precision: 's' }).decode('m v=1', 1)!
    expect(record.timestamp >= before && record.timestamp <= logfile.nowNs()).toBe(true)
  })

  it('a timestamp outside 1990-2100 in the unit given is a bad line (RecordError) whose advice names --precision', () => {
    const bad = (precision: 'ns' | 'ms' | 's', line: string, format: 'lp' | 'jsonl' = 'lp') => () => pointDecoder(logfile, format, { ...none, precision }).decode(line, 1)
    expect(bad('ns', 'm v=1 1617672549')).toThrow(expect.objectContaining({ name: 'RecordError', key: 'timestamp' }))
    expect(bad('ns', 'm v=1 1617672549')).toThrow(/^timestamp 1617672549 \(nanoseconds\) is outside 1990-2100; this looks like seconds: give --precision s$/)
    expect(bad('ns', 'm v=1 1617672549204')).toThrow(/this looks like milliseconds: give --precision ms$/)
    expect(bad('ns', '{"time":"1617672549204824","measurement":"m","fields":{"v":1}}', 'jsonl')).toThrow(/this looks like microseconds: give --precision us$/)
    expect(bad('ms', 'm v=1 1617672549')).toThrow(/^timestamp 1617672549 \(--precision ms: milliseconds\) is outside 1990-2100; this looks like seconds: give --precision s$/)
    expect(bad('s', 'm v=1 1617672549204824064')).toThrow(/^timestamp 1617672549204824064 \(--precision s: seconds\) is outside 1990-2100; this looks like nanoseconds: give --precision ns$/)
    expect(bad('ns', 'm v=1 5')).toThrow(/^timestamp 5 \(nanoseconds\) is outside 1990-2100$/)
    for (const error of [bad('ns', 'm v=1 1617672549'), bad('s', 'm v=1 1617672549204824064')]) expect(error).not.toThrow(/timestampUnit/)
  })
})

describe('namesMeasurement (CSV tables)', () => {
  it.each([
    [['#datatype dateTime:number,measurement,double'], 'time,m,v', true],
    [['#datatype,dateTime:number,measurement'], ',time,m', true],
    [['#constant measurement,wx'], 'time,v', true],
    [[], '_time,_measurement,_field,_value', true],
    [[], 'time,m|measurement,v|double', true],
    [['#datatype dateTime:number,tag,double'], 'time,measurement,v', false],
    [[], 'time,station,v', false],
  ])('%j + %j -> %s', (head, header, expected) => {
    expect(namesMeasurement(head, header)).toBe(expected)
  })

  it('the decoder gives each table without one the default, keeps the one a table has', () => {
    const decoder = pointDecoder(logfile, 'csv', { measurement: 'wx', tags: {} })
    const t = 1617672549204824064n
    const lines = ['#datatype dateTime:number,double', 'time,v', `${t + 1n},1.5`, '#datatype dateTime:number,measurement,double', 'time,m,v', `${t + 2n},own,2.5`, '#datatype dateTime:number,double', 'time,w', `${t + 3n},3.5`]
    const records = lines.map((text, i) => decoder.decode(text, i + 1)).filter((r) => r !== undefined)
    expect(records.map((r) => [r.measurement, r.timestamp])).toEqual([
      ['wx', t + 1n],
      ['own', t + 2n],
      ['wx', t + 3n],
    ])
  })
})

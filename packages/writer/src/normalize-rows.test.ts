import { describe, expect, it } from 'vitest'
import { Point } from '@influxdata/influxdb-client'
import { inputError } from '../test/helpers.js'
import { normalizeRows, type RowOptions } from './normalize-rows.js'

const T = 1617672549204824064n
const options = (extra: Partial<RowOptions> = {}): RowOptions => ({
  measurement: 'pps_offset',
  tagColumns: ['station'],
  timestampColumn: 'timestamp',
  fieldTypes: {},
  timestampUnit: 'ns',
  defaultTags: {},
  skipInvalid: false,
  ...extra,
})

const failure = (input: unknown, extra: Partial<RowOptions> = {}) => inputError(() => normalizeRows(input, options(extra)))

describe('normalizeRows: the three shapes of input', () => {
  it('one row, an array of rows and columns give the same line protocol', () => {
    const expected = ['pps_offset,station=Kp pps_offset=-3 1617672549204824064', 'pps_offset,station=Pv pps_offset=2.5 1617672549204824065']
    const rowsForm = normalizeRows(
      [
        { station: 'Kp', pps_offset: -3, timestamp: T },
        { station: 'Pv', pps_offset: 2.5, timestamp: T + 1n },
      ],
      options(),
    )
    const columns = normalizeRows({ station: ['Kp', 'Pv'], pps_offset: new Float64Array([-3, 2.5]), timestamp: new BigInt64Array([T, T + 1n]) }, options())
    expect(rowsForm.lines).toEqual(expected)
    expect(columns.lines).toEqual(expected)
    expect(normalizeRows({ station: 'Kp', pps_offset: -3, timestamp: T }, options()).lines).toEqual([expected[0]])
  })

  it('matches Point.toLineProtocol() for the same point', () => {
    const ours = normalizeRows([{ station: 'Kp 1', 'a=b': 'x "y"', n: 1.5, timestamp: T }], options()).lines[0]
    const theirs = new Point('pps_offset').tag('station', 'Kp 1').stringField('a=b', 'x "y"').floatField('n', 1.5).timestamp(String(T)).toLineProtocol()
    expect(ours).toBe(theirs)
  })

  it('types fields: number = float unless fieldTypes says integer/unsigned, bigint = integer, strings and booleans as they are', () => {
    const { records, lines } = normalizeRows([{ station: 'Kp', f: 3, i: 3, u: 7, big: 9007199254740993n, s: 'ok', b: true, timestamp: T }], options({ fieldTypes: { i: 'integer', u: 'unsigned' } }))
    expect(records[0]!.fields).toEqual({
      f: { type: 'float', value: 3 },
      i: { type: 'integer', value: 3n },
      u: { type: 'unsigned', value: 7n },
      big: { type: 'integer', value: 9007199254740993n },
      s: { type: 'string', value: 'ok' },
      b: { type: 'boolean', value: true },
    })
    expect(lines[0]).toBe('pps_offset,station=Kp b=T,big=9007199254740993i,f=3,i=3i,s="ok",u=7u 1617672549204824064')
  })

  it('leaves out null/undefined values and adds the default station tag to points without one', () => {
    const { records } = normalizeRows([{ v: 1, gap: null, timestamp: T }, { station: 'Pv', v: 2, timestamp: T }], options({ defaultTags: { station: 'Kp' } }))
    expect(records.map((r) => [r.tags, Object.keys(r.fields)])).toEqual([
      [{ station: 'Kp' }, ['v']],
      [{ station: 'Pv' }, ['v']],
    ])
  })

  it('reads timestamps as bigint, ns strings, RFC 3339, Dates and numbers in timestampUnit', () => {
    const stamps = [T, String(T), '2021-04-06T01:29:09.204824064Z', new Date('2021-04-06T01:29:09.204Z')]
    const { records } = normalizeRows(stamps.map((timestamp) => ({ v: 1, timestamp })), options())
    expect(records.map((r) => r.timestamp)).toEqual([T, T, T, 1617672549204000000n])
    expect(normalizeRows([{ v: 1, t: 1617672549204 }], options({ timestampColumn: 't', timestampUnit: 'ms' })).records[0]!.timestamp).toBe(1617672549204000000n)
  })
})

describe('normalizeRows: bad input names the row (index) and column', () => {
  it('a missing timestamp', () => {
    const error = failure([{ station: 'Kp', v: 1, timestamp: T }, { station: 'Kp', v: 2 }])
    expect(error).toMatchObject({ row: 1, column: 'timestamp', code: 'INVALID_INPUT', name: 'InvalidInputError' })
    expect(error.message).toBe('row 1, column "timestamp": no timestamp column "timestamp" (columns: station, v); add it, or name yours with dataFrameTimestampColumn')
  })

  it('a number timestamp that is not a safe integer', () => {
    const error = failure([{ v: 1, timestamp: 1617672549204824064 }])
    expect(error.column).toBe('timestamp')
    expect(error.message).toMatch(/^row 0, column "timestamp": .*pass a bigint/)
  })

  it('a timestamp outside 1990-2100, with the unit it looks like', () => {
    const error = failure([{ v: 1, timestamp: 1617672549204 }])
    expect(error.message).toContain("outside 1990-2100; this looks like milliseconds; set timestampUnit: 'ms'")
  })

  it('NaN and infinite fields', () => {
    expect(failure([{ v: 1, timestamp: T }, { v: NaN, timestamp: T }]).message).toBe('row 1, column "v": field value is NaN; InfluxDB accepts only finite numbers')
    expect(failure([{ v: -Infinity, timestamp: T }]).message).toContain('row 0, column "v": field value is -Infinity')
  })

  it('a row with no fields', () => {
    const error = failure([{ station: 'Kp', timestamp: T }])
    expect(error.row).toBe(0)
    expect(error.message).toContain('row 0: the row has no field (columns: station, timestamp; tags: station; timestamp: timestamp)')
  })

  it('an empty or reserved name', () => {
    expect(failure([{ '': 1, timestamp: T }])).toMatchObject({ row: 0, column: '' })
    expect(failure([{ _measurement: 1, timestamp: T }]).message).toMatch(/^row 0, column "_measurement": .*reserves/)
    expect(failure([{ time: 1, timestamp: T }]).message).toMatch(/^row 0, column "time": .*reserved/)
    expect(failure([{ v: 1, timestamp: T }], { measurement: '_internal', skipInvalid: true })).toMatchObject({ row: undefined, column: 'dataFrameMeasurementName' })
    expect(failure([{ v: 1, timestamp: T }], { measurement: '_internal' }).message).toMatch(/^write\(\): dataFrameMeasurementName: measurement "_internal" .*reserves/)
  })

  it('a tag that is not a string', () => {
    const error = failure([{ station: 7, v: 1, timestamp: T }])
    expect(error).toMatchObject({ row: 0, column: 'station' })
    expect(error.message).toContain('tag value is the number 7; tag values must be strings')
  })

  it('a name or value with a newline', () => {
    expect(failure([{ station: 'K\np', v: 1, timestamp: T }])).toMatchObject({ row: 0, column: 'station' })
    expect(failure([{ 'a\nb': 1, timestamp: T }])).toMatchObject({ row: 0, column: 'a\nb' })
    expect(failure([{ note: 'two\nlines', timestamp: T }]).message).toMatch(/^row 0, column "note": .*newline/)
  })

  it('a value of the wrong type for fieldTypes, and columns of unequal length', () => {
    expect(failure([{ n: 1.5, timestamp: T }], { fieldTypes: { n: 'integer' } }).message).toBe('row 0, column "n": fieldTypes says integer, but 1.5 is not a whole number below 2^53; pass a bigint')
    expect(failure([{ n: 'x', timestamp: T }], { fieldTypes: { n: 'float' } }).message).toContain('fieldTypes says float, but the value is the string "x"')
    expect(failure({ v: [1, 2, 3], timestamp: [T, T] }).message).toBe('row 2, column "timestamp": column "timestamp" has 2 values but "v" has 3; columns must be of equal length')
  })

  it('a row that is not an object', () => {
    expect(failure([{ v: 1, timestamp: T }, 42]).message).toBe('row 1: a row must be an object of column: value, got the number 42')
  })
})

describe('normalizeRows with skipInvalid', () => {
  it('keeps the good rows and sets each bad one aside with its error', () => {
    const result = normalizeRows(
      [
        { v: 1, timestamp: T },
        { v: NaN, timestamp: T },
        { v: 3, timestamp: T + 2n },
        { v: 4 },
      ],
      options({ skipInvalid: true }),
    )
    expect(result.lines).toEqual(['pps_offset v=1 1617672549204824064', 'pps_offset v=3 1617672549204824066'])
    expect(result.skipped.map((e) => [e.row, e.column])).toEqual([
      [1, 'v'],
      [3, 'timestamp'],
    ])
  })
})

describe('normalizeRows: messages name the caller’s column, not internal names', () => {
  it('an empty column name says so, without the record path logfile uses', () => {
    const error = failure([{ station: 'Kp', '': 1, timestamp: T }])
    expect(error.message).toBe('row 0, column "": the column name is empty; InfluxDB needs a non-empty field key')
    expect(error.column).toBe('')
  })

  it('a newline in a string field names that field, not the probe’s field "f"', () => {
    const error = failure([{ station: 'Kp', note: 'first\nsecond', timestamp: T }])
    expect(error.message).toBe('row 0, column "note": string field "note" contains a newline, which line protocol does not support in field values')
  })
})

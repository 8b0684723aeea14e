import { describe, expect, it } from 'vitest'
import { encodeLineProtocol, type FieldType } from '@eht-influx-client/logfile'
import { normalizeRows, type RowOptions } from './normalize-rows.js'

const T = 1617672549204824064n
const base: RowOptions = { measurement: 'm', tagColumns: ['station', 'a b', 'x=y', 'uni'], timestampColumn: 'timestamp', fieldTypes: {}, timestampUnit: 'ns', defaultTags: {}, skipInvalid: false }

// Rows that need escaping, quoting, unicode, defaults, missing values and every type.
const corpus: Record<string, unknown>[] = [
  { station: 'Kp', v: 1.5, timestamp: T },
  { station: 'Kp', 'a b': 'c d', 'x=y': 'p,q', v: -0, w: 1e21, tiny: 5e-324, timestamp: T },
  { station: 'Kp', uni: 'µs ünïcode ✓', 'f i,e=ld': 'say "hi" \\ there', timestamp: T },
  { station: '', v: true, off: false, timestamp: T },
  { station: null, v: 3n, big: -(2n ** 63n), timestamp: T },
  { v: 'plain text', q: 'with "quotes"', timestamp: '2021-04-06T01:29:09.204824064Z' },
  { station: 'Kp', v: 1, n: 2, u: 3, timestamp: new Date('2021-04-06T01:29:09.204Z') },
  { station: 'Kp', gap: undefined, v: 0.1, timestamp: String(T) },
  { 'emoji 🚀': 'x', v: 42, timestamp: T },
  { station: 'K\\p', v: 1, timestamp: T },
  { '`${x}`': 'tmpl', v: 1, timestamp: T },
]
const types: Record<string, FieldType> = { n: 'integer', u: 'unsigned' }

describe('RowEncoder', () => {
  for (const defaults of [{}, { station: 'Dflt' }] as Record<string, string>[]) {
    it(`compiled and checked paths give the same records, and lines equal to logfile's encoder (defaults ${JSON.stringify(defaults)})`, () => {
      const options = { ...base, fieldTypes: types, defaultTags: defaults }
      const fast = normalizeRows(corpus, options)
      const checked = normalizeRows(corpus, { ...options, compile: false })
      const linesOnly = normalizeRows(corpus, { ...options, records: false })
      expect(fast.records).toEqual(checked.records)
      expect(fast.lines).toEqual(checked.lines)
      expect(linesOnly.lines).toEqual(checked.lines)
      expect(checked.lines).toEqual(checked.records.map(encodeLineProtocol))
      // No server to send to: the same records, checked the same, and no line protocol made.
      const recordsOnly = normalizeRows(corpus, { ...options, lines: false })
      expect(recordsOnly.records).toEqual(checked.records)
      expect([recordsOnly.count, recordsOnly.lines]).toEqual([checked.count, []])
    })
  }

  it('falls back to the checked path when a row of a compiled shape is unusual, and still names its problem', () => {
    const rows = [
      { station: 'Kp', v: 1, timestamp: T },
      { station: 'Kp', v: 2, timestamp: T + 1n },
      { station: 'Kp', v: Infinity, timestamp: T + 2n },
    ]
    expect(() => normalizeRows(rows, base)).toThrow('row 2, column "v": field value is Infinity')
    expect(() => normalizeRows(rows, { ...base, lines: false })).toThrow('row 2, column "v": field value is Infinity')
    expect(() => normalizeRows([rows[0]!, { ...rows[1]!, station: 'K\np' }], { ...base, lines: false })).toThrow(/^row 1, column "station": /)
    const kept = normalizeRows(rows, { ...base, skipInvalid: true })
    expect(kept.lines).toEqual(['m,station=Kp v=1 1617672549204824064', 'm,station=Kp v=2 1617672549204824065'])
  })

  it('sees a new column in a later row (the shape changed) and writes it', () => {
    const { lines } = normalizeRows(
      [
        { station: 'Kp', v: 1, timestamp: T },
        { station: 'Kp', v: 2, extra: 'x', timestamp: T },
      ],
      base,
    )
    expect(lines[1]).toBe('m,station=Kp extra="x",v=2 1617672549204824064')
  })

  it('sees a row with the same number of columns but another one (a shape change) without lines too', () => {
    const { records } = normalizeRows(
      [
        { station: 'Kp', v: 1, timestamp: T },
        { station: 'Kp', w: 2, timestamp: T },
      ],
      { ...base, lines: false },
    )
    expect(records[1]!.fields).toEqual({ w: { type: 'float', value: 2 } })
  })
})

import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { randomRecords } from '../test/fixtures/random-records.js'
import { RecordError } from './errors.js'
import { encodeJsonl } from './jsonl-encode.js'
import { jsonlLineSchema } from './jsonl-schema.js'
import type { InfluxRecord } from './record.js'

const record: InfluxRecord = {
  measurement: 'pps_offset',
  tags: { station: 'Kp', empty: '' },
  fields: {
    offset: { type: 'integer', value: -3n },
    count: { type: 'unsigned', value: 18446744073709551615n },
    ratio: { type: 'float', value: 3 },
    note: { type: 'string', value: 'ok "quoted" \\ é' },
    locked: { type: 'boolean', value: true },
  },
  timestamp: 1617672549204824064n,
}

describe('encodeJsonl', () => {
  it('writes the timestamp first as a decimal string, then measurement, tags and typed fields', () => {
    expect(encodeJsonl(record)).toBe(
      '{"time":"1617672549204824064","measurement":"pps_offset","tags":{"station":"Kp"},"fields":{"offset":{"i":"-3"},"count":{"u":"18446744073709551615"},"ratio":3,"note":"ok \\"quoted\\" \\\\ é","locked":true}}',
    )
  })

  it('writes lines that the exported JSON Schema accepts (checked with a separate ajv)', () => {
    const validate = new Ajv({ strict: true }).compile(jsonlLineSchema)
    for (const r of randomRecords(3, 500, { bigIntegers: true })) {
      const line = encodeJsonl(r)
      expect(validate(JSON.parse(line)), `${line}: ${JSON.stringify(validate.errors)}`).toBe(true)
      expect(line.startsWith('{"time":"')).toBe(true)
    }
  })

  it('writes one line: newlines and control characters in strings are escaped', () => {
    const line = encodeJsonl({ ...record, fields: { s: { type: 'string', value: 'tab\there\r' } } })
    expect(line).not.toMatch(/[\n\r\t]/)
    expect(JSON.parse(line).fields.s).toBe('tab\there\r')
  })

  it('throws RecordError naming the key, as validateRecord does', () => {
    expect(() => encodeJsonl({ ...record, fields: { v: { type: 'integer', value: 2n ** 63n } } })).toThrow(/integer field "v" = 9223372036854775808 is outside the int64 range/)
    expect(() => encodeJsonl({ ...record, tags: { _station: 'Kp' } })).toThrow(RecordError)
    expect(() => encodeJsonl({ ...record, timestamp: 1617672549 as unknown as bigint })).toThrow(/must be a bigint/)
  })
})

import { describe, expect, it } from 'vitest'
import { escapingCases } from '../test/fixtures/escaping-cases.js'
import { randomRecords } from '../test/fixtures/random-records.js'
import { sameShape, shapeBreakers, template } from '../test/fixtures/shape-variants.js'
import { CsvEncoder, csvRowShapes, generalCsvEncoder } from './csv-encoder.js'
import { compileJsonl, encodeAnyJsonl, encodeJsonl, jsonlShapes } from './jsonl-encode.js'
import { compileLineProtocol, encodeAnyLineProtocol, encodeLineProtocol, lineProtocolShapes } from './lp-encode.js'
import type { InfluxRecord } from './record.js'
import { shapeOf } from './record-shape.js'
import { COMPILE_AT } from './shape-cache.js'

// The compiled encoder of a shape must give, byte for byte, what the general
// encoder gives, and give back (undefined) every record it was not made for.

const corpus: InfluxRecord[] = [...randomRecords(41, 400, { bigIntegers: true }), ...escapingCases.map((c) => c.record), template]
const variants = [template, ...corpus.slice(0, 40)].flatMap((r, i) => sameShape(r, 25, i + 1))

/** What the general encoder gives: a line, or the error's message. */
function general(encode: (r: InfluxRecord) => string, record: InfluxRecord): string {
  try {
    return encode(record)
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

const formats = [
  ['jsonl', compileJsonl, encodeAnyJsonl, encodeJsonl, jsonlShapes],
  ['lp', compileLineProtocol, encodeAnyLineProtocol, encodeLineProtocol, lineProtocolShapes],
] as const

describe.each(formats)('compiled %s shapes', (_format, compile, encodeAny, encode, shapes) => {
  it('give the general encoder\'s line for every record of their shape (escaping, unicode, every type, ns beyond 2^53)', () => {
    let compared = 0
    for (const record of [...corpus, ...variants]) {
      const encoder = compile(shapeOf(record)!)
      expect(encoder(record, '\n'), JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(`${encodeAny(record)}\n`)
      compared++
    }
    expect(compared).toBeGreaterThan(1400)
  })

  it('serve records of one shape whose tag values change from record to record', () => {
    const encoder = compile(shapeOf(template)!)
    for (const record of sameShape(template, 300, 99)) expect(encoder(record, '')).toBe(encodeAny(record))
  })

  it.each(shapeBreakers)('give back a record with %s', (_why, record) => {
    expect(compile(shapeOf(template)!)(record, '')).toBeUndefined()
  })

  it('leave the public encoder giving the general path\'s lines and errors once shapes are compiled', () => {
    for (let pass = 0; pass <= COMPILE_AT; pass++) for (const record of variants) expect(encode(record)).toBe(encodeAny(record))
    expect(shapes.candidates(template)).toHaveLength(1)
    for (const [why, record, valid] of shapeBreakers) {
      const want = general(encodeAny, record)
      expect(want.startsWith('error: '), why).toBe(!valid)
      expect(general(encode, record), why).toBe(want)
      expect(encode(template)).toBe(encodeAny(template))
    }
  })
})

describe('compiled CSV rows', () => {
  // A measurement name no earlier test used: its first records take the general path.
  const fresh = (records: InfluxRecord[], tag: string) => records.map((r) => ({ ...r, measurement: `${r.measurement}${tag}` }))

  it('give the same text as the general rows, across blocks that grow and start over', () => {
    const a = sameShape(template, 60, 5)
    const b = sameShape({ ...template, tags: { station: 'Kp' }, fields: { f: template.fields.f!, extra: { type: 'string', value: '' } } }, 60, 6)
    const c = sameShape({ ...template, measurement: 'maser' }, 60, 7)
    const mixed = a.flatMap((r, i) => [r, b[i]!, c[i]!])
    const want = generalCsvEncoder().encode(mixed)
    const encoder = new CsvEncoder()
    expect(encoder.encode(mixed)).toBe(want)
    expect([a[0]!, b[0]!, c[0]!].map((r) => csvRowShapes.candidates(r)?.length)).toEqual([2, 2, 1]) // a and b share a measurement
    expect(encoder.encode(mixed)).toBe(generalCsvEncoder().encode([...mixed, ...mixed]).slice(want.length))
    encoder.reset()
    expect(encoder.encode(mixed)).toBe(want)
    const wide = sameShape({ ...template, fields: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`w${i}`, template.fields.f!])) }, 3, 8)
    const startsOver = [...mixed.slice(0, 9), ...wide, ...mixed.slice(0, 9)]
    expect(new CsvEncoder().encode(startsOver)).toBe(generalCsvEncoder().encode(startsOver))
  })

  it('give each record of the corpus the row the general path gives it', () => {
    const records = fresh([...corpus, ...variants], ' csv2')
    for (const record of records) {
      const want = generalCsvEncoder().encode([record])
      for (let i = 0; i <= COMPILE_AT; i++) expect(new CsvEncoder().encode([record])).toBe(want)
      const compiled = csvRowShapes.candidates(record)!.find((shape) => shape.encode(record, null) !== undefined)
      expect(compiled).toBeDefined() // so the last encode() above was the compiled row's
    }
  })

  it('give back records that break the shape: the general path\'s rows and errors', () => {
    const [base, ...breakers] = fresh([template, ...shapeBreakers.map(([, r]) => r)], ' csv3')
    const both = (encoder: () => CsvEncoder) => breakers.map((record) => general((r) => encoder().encode([base!, r]), record))
    const want = both(generalCsvEncoder)
    breakers.forEach((_, i) => expect(want[i]!.startsWith('error: '), shapeBreakers[i]![0]).toBe(!shapeBreakers[i]![2]))
    expect(csvRowShapes.candidates(base!)).toBeUndefined()
    new CsvEncoder().encode(Array<InfluxRecord>(COMPILE_AT).fill(base!))
    expect(csvRowShapes.candidates(base!)).toHaveLength(1)
    expect(both(() => new CsvEncoder())).toEqual(want)
  })
})

import { describe, expect, it } from 'vitest'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng, randomRecords } from '../test/fixtures/random-records.js'
import { stationRecords } from '../test/fixtures/station-records.js'
import { splitRow } from './csv-cells.js'
import { CsvDecoder } from './csv-decoder.js'
import { CsvEncoder } from './csv-encoder.js'
import { planOf, recordOf, type Plan } from './csv-plan.js'
import { rowReaderOf, rowReaderSource, rolesOf } from './csv-row-code.js'
import { annotationOf, CsvTable } from './csv-table.js'
import { LogfileError } from './errors.js'
import type { InfluxRecord } from './record.js'
import { checkRecord, keysValid } from './validate-record.js'

interface Table {
  plan: Plan
  keysChecked: boolean
  separator: string
  rows: string[]
}

/** The tables of a CSV text, each with its data rows (the lines of the text after a header, until the next annotation). */
function tablesOf(text: string, separator = ','): Table[] {
  const tables: Table[] = []
  let table = new CsvTable()
  let current: Table | undefined
  text.split('\n').forEach((line, i) => {
    if (line === '') return
    if (line.startsWith('#')) {
      const annotation = annotationOf(line.slice(0, Math.max(0, line.indexOf(separator)) || line.length))
      if (annotation === undefined) return
      if (table.readingData) table = new CsvTable()
      table.annotate(annotation, splitRow(line, separator))
      current = undefined
    } else if (current === undefined) {
      table.header(splitRow(line, separator), i + 1)
      const plan = planOf(table)
      const keysChecked = plan.fieldName === undefined && plan.fieldValue === undefined && keysValid(plan.tags.map((c) => c.label), plan.fields.map((c) => c.label))
      current = { plan, keysChecked, separator, rows: [] }
      tables.push(current)
    } else current.rows.push(line)
  })
  return tables
}

/** What the general path makes of a row: its record, or undefined where it names an error. */
function general(table: Table, row: string): InfluxRecord | undefined {
  try {
    const cells = splitRow(row, table.separator)
    if (cells.length !== table.plan.width) return undefined
    const record = recordOf(table.plan, cells)
    checkRecord(record, table.keysChecked)
    return record
  } catch (error) {
    if (LogfileError.isInstance(error)) return undefined
    throw error
  }
}

/** A record as text that tells every difference apart: key order, -0 from 0, a bigint from a number. */
const exactly = (record: InfluxRecord | undefined): string =>
  JSON.stringify(record, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : Object.is(value, -0) ? '-0' : value))

function compiled(table: Table) {
  const reader = rowReaderOf(table.plan, table.keysChecked, table.separator)
  if (reader === undefined) throw new Error('the table was not compiled')
  return reader
}

const csvOf = (records: readonly InfluxRecord[]) => new CsvEncoder().encode(records)

describe('compiled CSV row readers', () => {
  it('read every row of our own tables as the general path does, and take every one', () => {
    const tables = tablesOf(csvOf([...stationRecords(600), ...randomRecords(21, 400, { bigIntegers: true })]))
    expect(tables.length).toBeGreaterThan(100)
    let taken = 0
    for (const table of tables) {
      const reader = compiled(table)
      for (const row of table.rows) {
        const record = reader(row)
        expect(record, row).toBeDefined()
        expect(exactly(record), row).toBe(exactly(general(table, row)))
        taken++
      }
    }
    expect(taken).toBe(1000)
  })

  it('take no row the general path rejects, and give its record for the rest, on 30000 mutated rows', () => {
    const tables = tablesOf(csvOf(stationRecords(300))).filter((t) => t.rows.length > 0)
    const random = prng(77)
    const pieces = [',', '"', '""', ' ', '-', '+', '.', 'e', 'E', 'x', '0x1', '0b1', '0o7', 'Infinity', '1e999', '1e-999', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616', '9223372036854775806', '-9223372036854775806', '-9223372036854775807', '0000000000000000000000001', '9007199254740993', '0.0000000000000000000000001', '1.', '.5', '-.5', '\\', '\t', '\u0001', '\uD800', '\uD83D\uDE00', '_', '#', 't', 'f', 'Y', 'n', '1', '0', '9', 'time', 'é', '']
    let taken = 0
    let rejected = 0
    for (let n = 0; n < 30_000; n++) {
      const table = tables[n % tables.length]!
      const row = mutateLine(table.rows[Math.floor(random() * table.rows.length)]!, random, pieces)
      const expected = general(table, row)
      if (expected === undefined) rejected++
      const record = compiled(table)(row)
      if (record === undefined) continue
      expect(exactly(record), row).toBe(exactly(expected))
      taken++
    }
    expect(taken).toBeGreaterThan(3000)
    expect(rejected).toBeGreaterThan(5000)
  })

  const table = (header: string, types: string, separator = ','): Table => tablesOf(`#datatype ${types}\n${header}\n`, separator)[0]!

  it('read numbers at their limits exactly, and leave the rest to the general path', () => {
    const t = table('time,m,v,i,u', 'dateTime:number,measurement,double,long,unsignedLong')
    const read = compiled(t)
    const row = (time: string, v: string, i: string, u: string) => read(`${time},m,${v},${i},${u}`)
    const fields = (v: string, i = '', u = '') => row('1', v, i, u)?.fields
    expect(row('9223372036854775806', '1', '', '')?.timestamp).toBe(9223372036854775806n)
    expect(row('-9223372036854775806', '1', '', '')?.timestamp).toBe(-9223372036854775806n)
    expect(row('9223372036854775807', '1', '', '')).toBeUndefined() // outside InfluxDB's range
    expect(row('+5', '1', '', '')).toBeUndefined()
    expect(row('00000000000000000000005', '1', '', '')?.timestamp).toBe(5n)
    expect(row('-0', '1', '', '')?.timestamp).toBe(0n)
    expect(fields('', '9223372036854775807')).toEqual({ i: { type: 'integer', value: 9223372036854775807n } })
    expect(fields('', '-9223372036854775808')).toEqual({ i: { type: 'integer', value: -9223372036854775808n } })
    expect(fields('', '+12')).toEqual({ i: { type: 'integer', value: 12n } })
    expect(fields('', '9223372036854775808')).toBeUndefined()
    expect(fields('', '', '18446744073709551615')).toEqual({ u: { type: 'unsigned', value: 18446744073709551615n } })
    expect(fields('', '', '18446744073709551616')).toBeUndefined()
    expect(fields('', '', '-1')).toBeUndefined()
    expect(fields('', '', '1234567890123456789')).toEqual({ u: { type: 'unsigned', value: 1234567890123456789n } })
    for (const text of ['0.1', '-0.0', '.5', '5.', '-.5', '+2.5', '1e5', '1E+5', '2.5e-3', '9007199254740993', '21.50100300902708', '0.0000000000000000000000001', '1.7976931348623157e308', '5e-324', '123456789012345678901234567890']) {
      expect(Object.is(fields(text)?.v?.value, Number(text)), text).toBe(true)
    }
    for (const text of ['0x10', '0b1', '0o7', ' 1', '1 ', 'Infinity', '-Infinity', '1e999', '1e', '.', '-', '1.2.3', '1_0', 'NaN']) expect(fields(text), text).toBeUndefined()
  })

  it('read booleans by their first character, strings as they are, and skip ignored columns, with another separator', () => {
    const t = table('m;skip;time;b;s;tag', 'measurement;ignored;dateTime;boolean;string;tag', ';')
    const read = compiled(t)
    expect(exactly(read('cpu;anything at all;7;yes;a, b;h1'))).toBe(exactly({ measurement: 'cpu', tags: { tag: 'h1' }, fields: { b: { type: 'boolean', value: true }, s: { type: 'string', value: 'a, b' } }, timestamp: 7n }))
    expect(read('cpu;;7;N;;')?.fields).toEqual({ b: { type: 'boolean', value: false } })
    expect(read('cpu;;7;;;h1')).toBeUndefined() // no field: the general path names the error
    expect(read('cpu;;7;x;;')).toBeUndefined()
    expect(read('cpu;;7;t;;;')).toBeUndefined() // a cell too many
    expect(read('cpu;;7;t;')).toBeUndefined() // a cell too few
    expect(read('cpu;;7;t;"q;""r""";')?.fields).toEqual({ b: { type: 'boolean', value: true }, s: { type: 'string', value: 'q;"r"' } })
    expect(read('cpu;;7;t;"";')?.fields).toEqual({ b: { type: 'boolean', value: true }, s: { type: 'string', value: '' } })
    expect(read('cpu;;7;"";;')).toBeUndefined() // a quoted empty boolean is not absent: the general path names it
    expect(read('cpu;;7;t;"q"x;')).toBeUndefined()
    expect(read('_cpu;;7;t;;')).toBeUndefined() // a reserved measurement
  })

  it('compile only tables whose rows need nothing else: no defaults, constants, _field/_value, RFC 3339 times or line-protocol fields', () => {
    const roles = (text: string) => {
      const t = tablesOf(text)[0]!
      return rolesOf(t.plan, t.keysChecked)
    }
    expect(roles('#datatype measurement,dateTime:number,double\nm,time,v\n')).toBeDefined()
    expect(roles('#datatype measurement,dateTime,double\nm,time,v\n')).toBeDefined()
    expect(roles('#datatype measurement,dateTime:RFC3339,double\nm,time,v\n')).toBeUndefined()
    expect(roles('#datatype measurement,dateTime:number,double\n#default ,,1.5\nm,time,v\n')).toBeUndefined()
    expect(roles('#constant measurement,m\n#datatype dateTime:number,double\ntime,v\n')).toBeUndefined()
    expect(roles('#datatype measurement,dateTime:number,string,double\n_measurement,_time,_field,_value\n')).toBeUndefined()
    expect(roles('#datatype measurement,dateTime:number,field\nm,time,v\n')).toBeUndefined()
    expect(roles('#datatype measurement,dateTime:number,double\nm,time,_v\n')).toBeUndefined()
  })

  it('are generated with the labels as property names, not as code', () => {
    const t = table('m,time,"a""b`${x}\\q",c', 'measurement,dateTime:number,tag,double')
    const read = compiled(t)
    expect(read('m,1,v,2')).toEqual({ measurement: 'm', tags: { 'a"b`${x}\\q': 'v' }, fields: { c: { type: 'float', value: 2 } }, timestamp: 1n })
    expect(rowReaderSource(rolesOf(t.plan, t.keysChecked)!)).toContain(JSON.stringify('a"b`${x}\\q'))
  })
})

describe('CsvDecoder with compiled rows', () => {
  it('gives the same records and errors, row for row, as with the general path alone', () => {
    const records = stationRecords(400)
    const text = `${csvOf(records.slice(0, 200))}garbage,row\n${csvOf(records.slice(200))}`
    const decoder = new CsvDecoder()
    const results: string[] = []
    text.split('\n').slice(0, -1).forEach((line, i) => {
      try {
        const record = decoder.decodeLine(line, i + 1)
        if (record !== undefined) results.push(exactly(record))
      } catch (error) {
        results.push(`error: ${(error as Error).message}`)
      }
    })
    const expected = tablesOf(text).flatMap((t) => t.rows.map((row) => general(t, row)))
    expect(expected).toHaveLength(401)
    expect(results.map((r) => (r.startsWith('error: ') ? undefined : r))).toEqual(expected.map((r) => (r === undefined ? undefined : exactly(r))))
    expect(results[200]).toContain('row has 2 cells')
  })
})

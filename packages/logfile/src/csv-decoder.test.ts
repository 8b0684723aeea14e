import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { asWritten, randomRecords } from '../test/fixtures/random-records.js'
import { CsvDecoder } from './csv-decoder.js'
import { CsvEncoder } from './csv-encoder.js'
import { CsvError } from './errors.js'
import type { InfluxRecord } from './record.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures')

/** Feeds every line to one decoder, as the reader does (line endings stripped). */
function decodeAll(text: string): (InfluxRecord | string)[] {
  const decoder = new CsvDecoder()
  const out: (InfluxRecord | string)[] = []
  text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .forEach((line, i) => {
      try {
        const record = decoder.decodeLine(line, i + 1)
        if (record !== undefined) out.push(record)
      } catch (error) {
        if (!CsvError.isInstance(error)) throw error
        out.push(`line ${i + 1}: ${error.message}`)
      }
    })
  return out
}

const fixture = (name: string) => decodeAll(fs.readFileSync(path.join(fixtures, name), 'utf8'))

describe('CsvDecoder', () => {
  it('reads a CSV written by CsvEncoder back field for field: 2000 random records, every type, mixed shapes', () => {
    const records = randomRecords(21, 2000, { bigIntegers: true })
    const encoder = new CsvEncoder()
    const text = [0, 500, 1000, 1500].map((start) => encoder.encode(records.slice(start, start + 500))).join('')
    expect(decodeAll(text)).toEqual(records.map(asWritten))
  })

  it('reads the example of the InfluxDB docs (dateTime:RFC3339, measurement and tag columns)', () => {
    expect(fixture('influx-docs.csv')).toEqual([
      { measurement: 'mem', tags: { host: 'host1' }, fields: { used_percent: { type: 'float', value: 64.23 } }, timestamp: 1577836800000000000n },
      { measurement: 'mem', tags: { host: 'host2' }, fields: { used_percent: { type: 'float', value: 72.01 } }, timestamp: 1577836800000000000n },
      { measurement: 'mem', tags: { host: 'host1' }, fields: { used_percent: { type: 'float', value: 62.61 } }, timestamp: 1577836810000000000n },
    ])
  })

  it('applies #default to empty cells, reads every datatype and dateTime:RFC3339Nano with offsets', () => {
    expect(fixture('datatypes-defaults.csv')).toEqual([
      {
        measurement: 'test',
        tags: { name: 'annotatedDatatypes' },
        fields: { s: { type: 'string', value: 'str1' }, d: { type: 'float', value: 1 }, b: { type: 'boolean', value: true }, l: { type: 'integer', value: 1n }, ul: { type: 'unsigned', value: 1n } },
        timestamp: 1578737410123456789n,
      },
      {
        measurement: 'test',
        tags: { name: 'annotatedDatatypes' },
        fields: { s: { type: 'string', value: 'str, "two"' }, d: { type: 'float', value: 2500 }, b: { type: 'boolean', value: false }, l: { type: 'integer', value: -2n }, ul: { type: 'unsigned', value: 18446744073709551615n } },
        timestamp: 1578737410000000000n,
      },
      { measurement: 'test', tags: { name: 'other' }, fields: { ul: { type: 'unsigned', value: 7n } }, timestamp: 1578737410500000000n },
    ])
  })

  it('reads Flux query results: _field/_value pairs, #group columns as tags, _time over _start/_stop, a new table per annotation block', () => {
    const records = fixture('flux-result.csv')
    expect(records).toEqual([
      { measurement: 'cpu', tags: { cpu: 'cpu1', host: 'rsavage.prod' }, fields: { time_steal: { type: 'float', value: 0 } }, timestamp: 1582669077000000000n },
      { measurement: 'cpu', tags: { cpu: 'cpu1', host: 'rsavage.prod' }, fields: { time_steal: { type: 'float', value: 0.5 } }, timestamp: 1582669087000000000n },
      { measurement: 'cpu', tags: { cpu: 'cpu-total', host: 'tahoecity.prod' }, fields: { usage_user: { type: 'integer', value: 27n } }, timestamp: 1582669081000000000n },
    ])
  })

  it('takes `name|type|default` from the header when there is no #datatype', () => {
    expect(decodeAll('m|measurement,station|tag|Kp,t|double,time|dateTime:number\nweather,,1.5,7\n')).toEqual([
      { measurement: 'weather', tags: { station: 'Kp' }, fields: { t: { type: 'float', value: 1.5 } }, timestamp: 7n },
    ])
  })

  it.each([
    ['#datatype measurement,double,dateTime:number\nm,v,time\nm,warm,1\n', 'line 3: column "v" (cell 2): "warm" is not a finite double'],
    ['#datatype measurement,long,dateTime:number\nm,v,time\nm,1.5,1\n', 'line 3: column "v" (cell 2): "1.5" is not a long (integer)'],
    ['#datatype measurement,unsignedLong,dateTime:number\nm,v,time\nm,-1,1\n', 'not an unsignedLong'],
    ['#datatype measurement,boolean,dateTime:number\nm,v,time\nm,maybe,1\n', 'not a boolean'],
    ['#datatype measurement,long,dateTime:number\nm,v,time\nm,9223372036854775808,1\n', 'outside the int64 range'],
    ['#datatype measurement,double,dateTime:number\nm,v,time\nm,1,1.5\n', 'column "time" (cell 3): "1.5" is not an integer of nanoseconds'],
    ['#datatype measurement,double,dateTime:RFC3339\nm,v,time\nm,1,yesterday\n', 'not an RFC 3339 time'],
    ['#datatype measurement,double,dateTime:number\nm,v,time\nm,1\n', 'line 3: row has 2 cells but the header at line 2 has 3'],
    ['#datatype measurement,duration,dateTime:number\nm,v,time\nm,1s,1\n', 'datatype "duration" is not supported'],
    ['#datatype measurement,"double:,.",dateTime:number\nm,v,time\nm,1,1\n', 'datatype format "double:,." is not supported'],
    ['#datatype measurement,double,dateTime:2006-01-02\nm,v,time\nm,1,2020-01-01\n', '"dateTime:2006-01-02" is not supported'],
    ['#datatype measurement,double\nm,v\nm,1\n', 'no dateTime column; every record needs a timestamp (table header at line 2)'],
    ['#datatype tag,double,dateTime:number\nm,v,time\nm,1,1\n', 'no measurement column'],
    ['#datatype measurement,double,dateTime:number\nm,v,time\nm,,1\n', 'has no fields'],
    ['#datatype measurement,double,dateTime:number\nm,_v,time\nm,1,1\n', 'field key "_v" starts with "_"'],
    ['#datatype measurement,tag,double,dateTime:number\nm,_t,v,time\nm,a,1,1\n', 'tag key "_t" starts with "_"'],
    ['#datatype measurement,tag,double,dateTime:number\nm,t,time,time\nm,a,1,1\n', 'field key "time" is reserved'],
    ['#datatype measurement,tag,double,dateTime:number\nm,t,v,time\nm,a\u0001b,1,1\n', 'tag value "a\\u0001b" contains control character U+0001'],
    ['#datatype measurement,tag,double,dateTime:number\nm,t,v,time\nm\u0002,a\u0001b,1,1\n', 'measurement "m\\u0002" contains control character U+0002'],
    ['#datatype measurement,tag,double,dateTime:number\nm,t,v,time\nm\u0002,a,1,9223372036854775807\n', "outside InfluxDB's range"],
    ['#datatype measurement,string,double,dateTime:number\nm,_field,_value,time\nm,_bad,1,1\n', 'field key "_bad" starts with "_"'],
    ['#datatype measurement,tag,string,dateTime:number\nm,t,s,time\nm,a,x\ud800y,1\n', 'lone UTF-16 surrogate'],
  ])('reports a bad row of %j: %s', (text, reason) => {
    const out = decodeAll(text)
    expect(out.filter((x) => typeof x === 'string')).toEqual([expect.stringContaining(reason)])
  })

  it('keeps reading after a bad annotation once a new block starts', () => {
    const out = decodeAll('#datatype measurement,"double,dateTime:number\nm,v,time\nm,1,1\n#datatype measurement,double,dateTime:number\nm,v,time\nm,2,2\n')
    expect(out[0]).toMatch(/^line 1: .*no closing quote/)
    expect(out.at(-1)).toEqual({ measurement: 'm', tags: {}, fields: { v: { type: 'float', value: 2 } }, timestamp: 2n })
  })

  it('applies a #constant placed before #datatype to the next table, also after the first table', () => {
    const table = '#constant measurement,cpu\n#datatype dateTime:number,double\ntime,usage\n'
    const out = decodeAll(`#datatype dateTime:number,measurement,double\ntime,measurement,a\n1,m,1\n${table}3,5\n${table}4,6\n`)
    const cpu = (t: bigint, v: number) => ({ measurement: 'cpu', tags: {}, fields: { usage: { type: 'float', value: v } }, timestamp: t })
    expect(out).toEqual([{ measurement: 'm', tags: {}, fields: { a: { type: 'float', value: 1 } }, timestamp: 1n }, cpu(3n, 5), cpu(4n, 6)])
  })

  it('names the annotation row and the header when their widths differ, not the data row', () => {
    const out = decodeAll('#datatype dateTime:number,measurement,tag\ntime,measurement,station,a\n1,m,Kp,2\n#group false,false,false,false\n#datatype dateTime:number,measurement,double\ntime,measurement,a,b\n2,m,1,2\n')
    expect(out).toEqual([
      'line 3: the header row at line 2 has 4 cells but the #datatype row at line 1 has 3 (table header at line 2)',
      'line 7: the #datatype row at line 5 has 3 cells but the #group row at line 4 has 4 (table header at line 6)',
    ])
  })

  it('ignores #timezone between data rows: the table goes on', () => {
    const m = (t: bigint, v: number) => ({ measurement: 'm', tags: {}, fields: { a: { type: 'float', value: v } }, timestamp: t })
    const out = decodeAll('#datatype dateTime:number,measurement,double\ntime,measurement,a\n1,m,1\n#timezone -0500\n2,m,2\n3,m,3\n')
    expect(out).toEqual([m(1n, 1), m(2n, 2), m(3n, 3)])
  })

  it('reports a header row after an annotation that reads as a data row of the table before, and reads a real header as before', () => {
    const out = decodeAll('#datatype dateTime:number,measurement,double\ntime,measurement,a\n1,m,1\n#constant tag,s,Kp\n3,m,3\n4,m,4\n')
    expect(out[0]).toEqual({ measurement: 'm', tags: {}, fields: { a: { type: 'float', value: 1 } }, timestamp: 1n })
    expect(out[1]).toMatch(/^line 5: this row was taken as the header of a new table \(the annotation row at line 4 after data rows starts one\), but it reads as a data row of the table before/)
    expect(out[2]).toMatch(/^line 6: the table has no measurement column/)
    expect(out).toHaveLength(3)
    // A header of labels after the same annotation is no data row: read without a word.
    const fine = decodeAll('#datatype dateTime:number,measurement,double\ntime,measurement,a\n1,m,1\n#constant tag,s,Kp\n#datatype dateTime:number,measurement,double\ntime,measurement,a\n3,m,3\n')
    expect(fine).toEqual([
      { measurement: 'm', tags: {}, fields: { a: { type: 'float', value: 1 } }, timestamp: 1n },
      { measurement: 'm', tags: { s: 'Kp' }, fields: { a: { type: 'float', value: 3 } }, timestamp: 3n },
    ])
  })

  it('reports a table with two _field or two _value columns on each row (a value would be dropped)', () => {
    const twoValues = decodeAll('#datatype dateTime:number,measurement,string,double,double\ntime,measurement,_field,_value,_value\n1,m,a,1,2\n')
    expect(twoValues).toEqual(['line 3: the _value column appears twice: column "_value" (cell 4) and column "_value" (cell 5) (table header at line 2)'])
    const twoPairs = decodeAll('#datatype dateTime:number,measurement,string,double,string,double\ntime,measurement,_field,_value,_field,_value\n1,m,a,1,b,2\n')
    expect(twoPairs).toEqual(['line 3: the _field column appears twice: column "_field" (cell 3) and column "_field" (cell 5) (table header at line 2)'])
  })
})

describe('CsvDecoder: Flux results beyond csv2lp', () => {
  it('reads the text columns of an ungrouped _field/_value table (`|> group()`) as tags, and no result or table field from a pivoted one', () => {
    // `influx query --raw` of `|> group()` (first table) and of `|> pivot(...)` (second table).
    expect(fixture('flux-ungrouped-pivoted.csv')).toEqual([
      { measurement: 'pps_offset', tags: { rx: 'GPS 1', station: 'Kp' }, fields: { temp: { type: 'float', value: 21.5 } }, timestamp: 1617672549204824064n },
      { measurement: 'pps_offset', tags: { station: 'Kp' }, fields: { temp: { type: 'float', value: 21.5 }, offset_ns: { type: 'integer', value: -3n } }, timestamp: 1617672549204824064n },
    ])
  })

  it('keeps points of two stations in an ungrouped result apart', () => {
    const head = '#group,false,false,false,false,false,false,false\n#datatype,string,long,dateTime:RFC3339,double,string,string,string\n#default,_result,,,,,,\n,result,table,_time,_value,_field,_measurement,station\n'
    const out = decodeAll(`${head},,0,2021-04-06T01:29:09Z,21.5,temp,wx,Kp\n,,0,2021-04-06T01:29:09Z,3.5,temp,wx,Aa\n`) as InfluxRecord[]
    expect(out.map((r) => r.tags)).toEqual([{ station: 'Kp' }, { station: 'Aa' }])
  })

  it('refuses a _field/_value table with a column that is neither text nor the value, naming it, and reads it once marked ignored', () => {
    const rows = ',,0,2021-04-06T01:29:09Z,21.5,temp,wx,7\n'
    const out = decodeAll(`#group,false,false,false,false,false,false,false\n#datatype,string,long,dateTime:RFC3339,double,string,string,long\n,result,table,_time,_value,_field,_measurement,elapsed\n${rows}`)
    expect(out).toEqual(['line 4: column "elapsed" (cell 8) of datatype "long" beside _field and _value: not text, so no tag, and not the field value; the table is not read (mark such a column #datatype ignored to leave it out) (table header at line 3)'])
    const ignored = decodeAll(`#group,false,false,false,false,false,false,false\n#datatype,string,long,dateTime:RFC3339,double,string,string,ignored\n,result,table,_time,_value,_field,_measurement,elapsed\n${rows}`)
    expect(ignored).toEqual([{ measurement: 'wx', tags: {}, fields: { temp: { type: 'float', value: 21.5 } }, timestamp: 1617672549000000000n }])
  })

  it('still reads fields named result and table outside a Flux result', () => {
    const out = decodeAll('#datatype dateTime:number,measurement,string,long\ntime,measurement,result,table\n1,m,ok,3\n')
    expect(out).toEqual([{ measurement: 'm', tags: {}, fields: { result: { type: 'string', value: 'ok' }, table: { type: 'integer', value: 3n } }, timestamp: 1n }])
  })
})

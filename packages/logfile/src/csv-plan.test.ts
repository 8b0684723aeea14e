import { describe, expect, it } from 'vitest'
import { planOf, recordOf } from './csv-plan.js'
import { CsvTable } from './csv-table.js'

function table(annotations: [string, string[]][], header: string[]): CsvTable {
  const t = new CsvTable()
  for (const [name, cells] of annotations) t.annotate(name as '#datatype', cells)
  t.header(header, annotations.length + 1)
  return t
}

describe('planOf / recordOf', () => {
  it('prefers _time over _start and _stop, makes #group columns tags and ignores the Flux table column next to _field', () => {
    const t = table(
      [
        ['#group', ['#group', 'false', 'true', 'true', 'false', 'false', 'true', 'true', 'false']],
        ['#datatype', ['#datatype', 'dateTime:RFC3339', 'dateTime:RFC3339', 'dateTime:RFC3339', 'double', 'string', 'string', 'string', 'long']],
      ],
      ['', '_start', '_stop', '_time', '_value', '_field', '_measurement', 'host', 'table'],
    )
    const plan = planOf(t)
    expect(plan.time.label).toBe('_time')
    expect(plan.tags.map((c) => c.label)).toEqual(['host'])
    expect(plan.fields).toEqual([])
    const row = ['', '2020-01-01T00:00:00Z', '2020-01-01T01:00:00Z', '2020-01-01T00:30:00Z', '1.5', 'load', 'cpu', 'h1', '0']
    expect(recordOf(plan, row)).toEqual({ measurement: 'cpu', tags: { host: 'h1' }, fields: { load: { type: 'float', value: 1.5 } }, timestamp: 1577838600000000000n })
  })

  it('treats every other typed column as a field when there is no _field column, and reads generic `field` values as line protocol', () => {
    const t = table([['#datatype', ['#datatype measurement', 'field', 'field', 'dateTime']]], ['m', 'a', 'b', 'time'])
    const plan = planOf(t)
    expect(recordOf(plan, ['m', '3i', '"say \\"x\\""', '2020-01-01T00:00:00Z']).fields).toEqual({ a: { type: 'integer', value: 3n }, b: { type: 'string', value: 'say "x"' } })
  })

  it('names the table problem: no measurement, no time, an unsupported type', () => {
    expect(() => planOf(table([['#datatype', ['#datatype double', 'dateTime']]], ['v', 'time']))).toThrow('no measurement column')
    expect(() => planOf(table([['#datatype', ['#datatype measurement', 'base64Binary', 'dateTime']]], ['m', 'v', 'time']))).toThrow('column "v" (cell 2): datatype "base64Binary" is not supported')
  })
})

import type { InfluxRecord } from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { sortRecords } from './record-order.js'

const rec = (measurement: string, tags: Record<string, string>, timestamp: bigint): InfluxRecord => ({ measurement, tags, fields: { f: { type: 'float', value: 1 } }, timestamp })

describe('sortRecords', () => {
  it('orders by ns time even where a JS number could not tell the times apart', () => {
    const a = rec('m', {}, 1617672549204824065n)
    const b = rec('m', {}, 1617672549204824064n)
    expect(Number(a.timestamp)).toBe(Number(b.timestamp))
    expect(sortRecords([a, b])).toEqual([b, a])
  })

  it('orders points of the same time by measurement, then tags, whatever the tag order', () => {
    const t = 5n
    const input = [rec('z', {}, t), rec('a', { y: '1', x: '2' }, t), rec('a', { x: '1' }, t), rec('a', {}, t)]
    const sorted = sortRecords(input)
    expect(sorted.map((r) => [r.measurement, JSON.stringify(r.tags)])).toEqual([
      ['a', '{}'],
      ['a', '{"x":"1"}'],
      ['a', '{"x":"2","y":"1"}'],
      ['z', '{}'],
    ])
    expect(sortRecords(sortRecords(input).reverse())).toEqual(sorted)
  })

  it('puts tags and fields in key order', () => {
    const record: InfluxRecord = { measurement: 'm', tags: { b: '1', a: '2' }, fields: { z: { type: 'boolean', value: true }, y: { type: 'string', value: 's' } }, timestamp: 1n }
    const [sorted] = sortRecords([record])
    expect(Object.keys(sorted!.tags)).toEqual(['a', 'b'])
    expect(Object.keys(sorted!.fields)).toEqual(['y', 'z'])
    expect(Object.keys(record.tags)).toEqual(['b', 'a'])
  })
})

import { describe, expect, it } from 'vitest'
import type { InfluxRecord } from '@eht-influx-client/logfile'
import { compileRow, type ShapeColumn } from './row-compiler.js'

const T = 1617672549204824064n
const tagText = (v: string) => (/^[A-Za-z0-9]*$/.test(v) ? v : undefined)
const col = (name: string, key: string, tag = false, extra: Partial<ShapeColumn> = {}): ShapeColumn => ({ name, key, tag, declared: undefined, ...extra })

describe('compileRow', () => {
  const columns = [col('site', 'site', true, { constant: { raw: 'Kp', text: 'Kp' } }), col('st n', 'st\\ n', true), col('`${x}`\\y', '`${x}`\\y'), col('ok', 'ok'), col('s', 's')]
  const fast = compileRow('m\\ x', columns, 'timestamp')!

  it('writes the line of a usual row, names (even with ` $ { \\ in them) as given, and fills the record', () => {
    const record: InfluxRecord = { measurement: 'm x', tags: {}, fields: {}, timestamp: 0n }
    expect(fast({ 'st n': 'Pv', '`${x}`\\y': 2.5, ok: true, s: 'text', timestamp: T }, record, tagText)).toBe('m\\ x,site=Kp,st\\ n=Pv `${x}`\\y=2.5,ok=true,s="text" 1617672549204824064')
    expect(record).toEqual({
      measurement: 'm x',
      tags: { site: 'Kp', 'st n': 'Pv' },
      fields: { '`${x}`\\y': { type: 'float', value: 2.5 }, ok: { type: 'boolean', value: true }, s: { type: 'string', value: 'text' } },
      timestamp: T,
    })
  })

  it('gives up (undefined) on anything unusual, for the checked path to handle', () => {
    const usual = { 'st n': 'Pv', '`${x}`\\y': 1, ok: true, s: 'a', timestamp: T }
    for (const change of [{ 'st n': 'needs escaping' }, { 'st n': '' }, { 'st n': 3 }, { ok: null }, { '`${x}`\\y': NaN }, { s: 'a "quote"' }, { s: 'ünï' }, { timestamp: 1617672549204 }, { timestamp: 'x' }, { ok: 2n ** 64n }]) {
      expect(fast({ ...usual, ...change }, undefined, tagText)).toBeUndefined()
    }
  })

  it('compiles a shape once and reuses it; declines shapes without a field or with integer columns', () => {
    expect(compileRow('m\\ x', columns, 'timestamp')).toBe(fast)
    expect(compileRow('m', [col('t', 't', true)], 'timestamp')).toBeUndefined()
    expect(compileRow('m', [col('n', 'n', false, { declared: 'integer' })], 'timestamp')).toBeUndefined()
  })
})

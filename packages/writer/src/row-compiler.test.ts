import { describe, expect, it } from 'vitest'
import type { InfluxRecord } from '@eht-influx-client/logfile'
import { compileRow, type ShapeColumn } from './row-compiler.js'

const T = 1617672549204824064n
const tagText = (v: string) => (/^[A-Za-z0-9]*$/.test(v) ? v : undefined)
const col = (name: string, key: string, tag = false, extra: Partial<ShapeColumn> = {}): ShapeColumn => ({ name, key, tag, declared: undefined, ...extra })

describe('compileRow', () => {
  const columns = [col('site', 'site', true, { constant: { raw: 'Kp', text: 'Kp' } }), col('st n', 'st\\ n', true), col('`${x}`\\y', '`${x}`\\y'), col('ok', 'ok'), col('s', 's')]
  const fast = compileRow('m\\ x', columns, 'timestamp', 'm x')!

  it('writes the line of a usual row, names (even with ` $ { \\ in them) as given, and fills the record', () => {
    const out: { record: InfluxRecord | undefined } = { record: undefined }
    expect(fast({ 'st n': 'Pv', '`${x}`\\y': 2.5, ok: true, s: 'text', timestamp: T }, out, tagText)).toBe('m\\ x,site=Kp,st\\ n=Pv `${x}`\\y=2.5,ok=T,s="text" 1617672549204824064')
    expect(out.record).toEqual({
      measurement: 'm x',
      tags: { site: 'Kp', 'st n': 'Pv' },
      fields: { '`${x}`\\y': { type: 'float', value: 2.5 }, ok: { type: 'boolean', value: true }, s: { type: 'string', value: 'text' } },
      timestamp: T,
    })
  })

  it('makes names such as __proto__ own keys of the record, never its prototype', () => {
    const odd = compileRow('m', [col('__proto__', '__proto__', true), col('constructor', 'constructor')], 'timestamp', 'm')!
    const out: { record: InfluxRecord | undefined } = { record: undefined }
    expect(odd(JSON.parse('{"__proto__":"Kp","constructor":1.5,"timestamp":"x"}'), out, tagText)).toBeUndefined()
    expect(odd({ ...JSON.parse('{"__proto__":"Kp"}'), constructor: 1.5, timestamp: T }, out, tagText)).toBe('m,__proto__=Kp constructor=1.5 1617672549204824064')
    expect(Object.getPrototypeOf(out.record!.tags)).toBe(Object.prototype)
    expect(Object.keys(out.record!.tags)).toEqual(['__proto__'])
    expect(out.record!.fields).toEqual({ constructor: { type: 'float', value: 1.5 } })
  })

  it('gives up (undefined) on anything unusual, for the checked path to handle', () => {
    const usual = { 'st n': 'Pv', '`${x}`\\y': 1, ok: true, s: 'a', timestamp: T }
    for (const change of [{ 'st n': 'needs escaping' }, { 'st n': '' }, { 'st n': 3 }, { ok: null }, { '`${x}`\\y': NaN }, { s: 'a "quote"' }, { s: 'ünï' }, { timestamp: 1617672549204 }, { timestamp: 'x' }, { ok: 2n ** 64n }]) {
      expect(fast({ ...usual, ...change }, undefined, tagText)).toBeUndefined()
    }
  })

  it('compiles a shape once and reuses it; declines shapes without a field or with integer columns', () => {
    expect(compileRow('m\\ x', columns, 'timestamp', 'm x')).toBe(fast)
    expect(compileRow('m', [col('t', 't', true)], 'timestamp', 'm')).toBeUndefined()
    expect(compileRow('m', [col('n', 'n', false, { declared: 'integer' })], 'timestamp', 'm')).toBeUndefined()
  })
})

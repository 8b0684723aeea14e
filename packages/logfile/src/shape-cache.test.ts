import { describe, expect, it } from 'vitest'
import type { FieldValue, InfluxRecord } from './record.js'
import { shapeOf, shapeSignature, type RecordShape } from './record-shape.js'
import { COMPILE_AT, ShapeCache } from './shape-cache.js'

const f: FieldValue = { type: 'float', value: 1 }
const record = (measurement: string, fields: Record<string, FieldValue> = { v: f }, tags: Record<string, string> = { station: 'Kp' }): InfluxRecord => ({ measurement, tags, fields, timestamp: 1n })

/** A cache whose "compiled encoder" is the shape's signature, counting compiles. */
function counting() {
  const compiled: string[] = []
  const cache = new ShapeCache((shape: RecordShape) => {
    compiled.push(shapeSignature(shape))
    return shapeSignature(shape)
  })
  return { cache, compiled }
}

describe('shapeOf', () => {
  it('keeps key order, empty tags and field types; equal shapes have equal signatures', () => {
    const shape = shapeOf(record('m', { b: f, a: { type: 'string', value: '' } }, { z: '', y: 'Kp' }))!
    expect(shape).toEqual({ measurement: 'm', tags: [{ key: 'z', empty: true }, { key: 'y', empty: false }], fields: [{ key: 'b', type: 'float' }, { key: 'a', type: 'string' }] })
    expect(shapeSignature(shapeOf(record('m', { b: f }, { y: 'other' }))!)).toBe(shapeSignature(shapeOf(record('m', { b: { type: 'float', value: 2 } }, { y: 'x' }))!))
    expect(shapeSignature(shapeOf(record('m', { b: f }, { y: '' }))!)).not.toBe(shapeSignature(shapeOf(record('m', { b: f }, { y: 'x' }))!))
    expect(shapeSignature(shapeOf(record('m', { a: f, b: f }))!)).not.toBe(shapeSignature(shapeOf(record('m', { b: f, a: f }))!))
  })

  it('leaves a __proto__ name to the general path', () => {
    expect(shapeOf(record('m', JSON.parse('{"__proto__":{"type":"float","value":1}}') as Record<string, FieldValue>))).toBeUndefined()
  })
})

describe('ShapeCache', () => {
  it('compiles a shape once the general path has met it COMPILE_AT times, and only once', () => {
    const { cache, compiled } = counting()
    const r = record('m')
    expect(cache.candidates(r)).toBeUndefined()
    for (let i = 1; i < COMPILE_AT; i++) cache.learn(i % 2 === 0 ? r : record('m', { v: { type: 'float', value: i } }, { station: `P${i}` }))
    cache.learn(record('m', { w: f })) // another shape counts on its own
    expect(compiled).toEqual([])
    cache.learn(r)
    expect(compiled).toHaveLength(1)
    expect(cache.candidates(r)).toEqual(compiled)
    for (let i = 0; i < COMPILE_AT; i++) cache.learn(r) // a compiled shape that gave way for a valid record is not compiled again
    expect(compiled).toHaveLength(1)
    expect(cache.candidates(record('other'))).toBeUndefined()
    expect(cache.candidates(null as unknown as InfluxRecord)).toBeUndefined()
  })

  it('tries at most 8 shapes per measurement, dropping the oldest, and stops compiling after 16', () => {
    const { cache, compiled } = counting()
    const shapes = Array.from({ length: 20 }, (_, i) => record('m', { [`f${i}`]: f }))
    for (const r of shapes) for (let i = 0; i < COMPILE_AT; i++) cache.learn(r)
    expect(compiled).toHaveLength(16)
    expect(cache.candidates(shapes[0]!)).toEqual(compiled.slice(8))
    expect(cache.size).toBe(8)
  })

  it('counts each measurement on its own', () => {
    const { cache, compiled } = counting()
    for (let i = 0; i < COMPILE_AT - 1; i++) for (const name of ['a', 'b']) cache.learn(record(name))
    expect(compiled).toHaveLength(0)
    for (const name of ['a', 'b']) cache.learn(record(name))
    expect(compiled).toHaveLength(2)
    expect(cache.size).toBe(2)
  })

  it('starts over when it holds 256 compiled shapes', () => {
    const { cache, compiled } = counting()
    for (let m = 0; m <= 256; m++) for (let i = 0; i < COMPILE_AT; i++) cache.learn(record(`m${m}`))
    expect(compiled).toHaveLength(257)
    expect(cache.size).toBe(1)
    expect(cache.candidates(record('m0'))).toBeUndefined()
    expect(cache.candidates(record('m256'))).toEqual([compiled[256]])
  })

  it('stays on the general path when code cannot be compiled', () => {
    let tries = 0
    const cache = new ShapeCache(() => {
      tries++
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    for (const name of ['a', 'b']) for (let i = 0; i < COMPILE_AT; i++) cache.learn(record(name))
    expect(tries).toBe(1)
    expect(cache.candidates(record('a'))).toBeUndefined()
  })
})

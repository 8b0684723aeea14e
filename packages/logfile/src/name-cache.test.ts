import { describe, expect, it } from 'vitest'
import { RecordError } from './errors.js'
import { atRecord, NameCache } from './name-cache.js'
import { thrownBy } from '../test/fixtures/thrown.js'

describe('NameCache', () => {
  it('checks and encodes a name once, then returns the cached form', () => {
    let encoded = 0
    const cache = new NameCache('tag key', (name) => {
      encoded++
      return `<${name}>`
    })
    expect(cache.get('station', 'tags')).toBe('<station>')
    expect(cache.get('station', 'tags')).toBe('<station>')
    expect(encoded).toBe(1)
  })

  it('never caches an invalid name: every use throws, naming the key', () => {
    const cache = new NameCache('tag value', (name) => name)
    for (let i = 0; i < 2; i++) {
      const error = thrownBy(() => cache.get('a\nb', 'tags', 'station')) as RecordError
      expect(RecordError.isInstance(error)).toBe(true)
      expect(error.key).toBe('tags.station')
    }
    expect(thrownBy(() => cache.get(5 as unknown as string, 'tags', 'k'))).toBeInstanceOf(RecordError)
  })

  it('stays bounded when names never repeat, and still answers right', () => {
    const cache = new NameCache('field key', (name) => name.toUpperCase())
    for (let i = 0; i < 10_000; i++) expect(cache.get(`f${i}`, 'fields')).toBe(`F${i}`)
    expect((cache as unknown as { map: Map<string, string> }).map.size).toBeLessThanOrEqual(4096)
  })
})

describe('atRecord', () => {
  it('puts the record index into a RecordError and leaves other errors alone', () => {
    const wrapped = atRecord(new RecordError('bad', 'fields.v'), 2, 5) as RecordError
    expect(wrapped.message).toBe('record 2 of 5: bad')
    expect(wrapped.key).toBe('fields.v')
    const other = new TypeError('x')
    expect(atRecord(other, 0, 1)).toBe(other)
  })
})

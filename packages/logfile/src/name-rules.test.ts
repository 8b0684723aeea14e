import { describe, expect, it } from 'vitest'
import { RecordError } from './errors.js'
import { checkFrame, checkName, checkPlainName, NAME_NEEDS_CHECK } from './name-rules.js'
import type { InfluxRecord } from './record.js'
import { thrownBy } from '../test/fixtures/thrown.js'

describe('checkPlainName', () => {
  it('agrees with checkName on every name without a backslash, control character or surrogate', () => {
    const names = ['m', '', '_x', '#m', 'time', 'Time', 'a b', 'a,b=c', 'é☃', '#', '_', 'ok_', 'a"b', '"']
    for (const kind of ['measurement', 'tag key', 'tag value', 'field key'] as const) {
      for (const name of names) {
        expect(NAME_NEEDS_CHECK.test(name)).toBe(false)
        const plain = thrownBy(() => checkPlainName(kind, name, 'tags'))
        const full = thrownBy(() => checkName(kind, name, `tags.${name}`))
        expect(plain === undefined, `${kind} ${JSON.stringify(name)}`).toBe(full === undefined)
        if (full !== undefined) expect((plain as RecordError).message).toBe((full as RecordError).message)
      }
    }
  })
})

describe('checkFrame', () => {
  const good: InfluxRecord = { measurement: 'm', tags: {}, fields: {}, timestamp: 0n }
  it.each([
    ['null', null, undefined, 'a record must be an object, got null'],
    ['null tags', { ...good, tags: null }, 'tags', 'tags of "m" must be an object'],
    ['string fields', { ...good, fields: 'x' }, 'fields', 'fields of "m" must be an object'],
    ['a number timestamp', { ...good, timestamp: 0 }, 'timestamp', 'must be a bigint of nanoseconds, got number'],
    ['int64 min', { ...good, timestamp: -(2n ** 63n) }, 'timestamp', "outside InfluxDB's range"],
  ])('rejects %s', (_name, record, key, message) => {
    const error = thrownBy(() => checkFrame(record as InfluxRecord)) as RecordError
    expect(RecordError.isInstance(error)).toBe(true)
    expect(error.key).toBe(key)
    expect(error.message).toContain(message)
  })

  it('accepts a record with the right shapes (names are checked elsewhere)', () => {
    expect(() => checkFrame(good)).not.toThrow()
  })
})

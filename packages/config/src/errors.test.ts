import { describe, expect, it } from 'vitest'
import * as errors from './errors.js'
import { ConfigError, InvalidValueError, UnknownKeyError, formatLocation } from './errors.js'

const subclasses = Object.entries(errors).filter(([name, value]) => name.endsWith('Error') && value !== ConfigError) as [string, typeof InvalidValueError][]

describe('ConfigError', () => {
  it('prefixes the message with file:line:column, then [section] key', () => {
    const error = new UnknownKeyError('unknown key', { file: '/etc/x.ini', line: 12, column: 3, section: 'retry', key: 'max_retrys' })
    expect(error.message).toBe('/etc/x.ini:12:3: [retry] max_retrys: unknown key')
    expect(error).toMatchObject({ file: '/etc/x.ini', line: 12, column: 3, section: 'retry', key: 'max_retrys', problem: 'unknown key' })
  })

  it('names an environment variable, and text without a file', () => {
    expect(formatLocation({ variable: 'EHT_INFLUX_RETRY_JITTER', section: 'retry', key: 'jitter' })).toBe('environment variable EHT_INFLUX_RETRY_JITTER: [retry] jitter')
    expect(formatLocation({ line: 2, column: 1, section: 'client' })).toBe('(config text):2:1: [client]')
    expect(formatLocation({ file: '/x.ini' })).toBe('/x.ini')
  })

  it('keeps the cause (ES2022)', () => {
    const cause = new Error('EISDIR')
    expect(new InvalidValueError('bad', {}, { cause }).cause).toBe(cause)
  })

  it('gives every subclass a distinct stable name and code', () => {
    const codes = new Set<string>()
    for (const [exported, Cls] of subclasses) {
      const error = new Cls('p')
      expect(error.name).toBe(exported)
      expect(error.code).toMatch(/^CONFIG_[A-Z_]+$/)
      expect(Cls.code).toBe(error.code)
      expect(String(error)).toBe(`${exported}: p`)
      codes.add(error.code)
    }
    expect(codes.size).toBe(subclasses.length)
  })
})

describe('isInstance', () => {
  it('recognises errors from a second copy of the module, where instanceof fails', async () => {
    // @ts-expect-error a query string loads the module a second time, as a duplicate install would
    const copy = (await import('./errors.js?duplicate-install')) as typeof errors
    const foreign = new copy.UnknownKeyError('p', { key: 'k' })
    expect(foreign instanceof ConfigError).toBe(false)
    expect(ConfigError.isInstance(foreign)).toBe(true)
    expect(UnknownKeyError.isInstance(foreign)).toBe(true)
    expect(InvalidValueError.isInstance(foreign)).toBe(false)
  })

  it('tells subclasses apart and rejects look-alikes without the brand', () => {
    const error = new InvalidValueError('p')
    expect(InvalidValueError.isInstance(error)).toBe(true)
    expect(UnknownKeyError.isInstance(error)).toBe(false)
    expect(ConfigError.isInstance(error)).toBe(true)
    expect(ConfigError.isInstance(Object.assign(new Error('x'), { name: 'ConfigError', code: 'CONFIG_ERROR' }))).toBe(false)
    expect(ConfigError.isInstance(null)).toBe(false)
    expect(ConfigError.isInstance('ConfigError')).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { InvalidValueError } from './errors.js'
import { Locations } from './locations.js'
import { SectionReader } from './section-reader.js'

const reader = (section: string, values: Record<string, string>) => new SectionReader(values, section, new Locations('/x.ini'), (v) => `/base/${v}`)

describe('SectionReader', () => {
  it('reads the rotate policy: words or a size above 0', () => {
    expect(reader('logfile', { rotate: 'hourly' }).rotate('rotate')).toEqual({ kind: 'hourly' })
    expect(reader('logfile', { rotate: '1.5KB' }).rotate('rotate')).toEqual({ kind: 'size', maxBytes: 1536 })
    expect(() => reader('logfile', { rotate: '0' }).rotate('rotate')).toThrow(/\[logfile\] rotate: "0" is not valid; expected none, hourly, daily or a size above 0/)
  })

  it('rejects numbers beyond what is exact, and durations in fractions of a millisecond', () => {
    expect(() => reader('server.a', { batch_size: '99999999999999999999' }).number('batch_size')).toThrow(InvalidValueError)
    expect(() => reader('server.a', { timeout: '0.5ms' }).duration('timeout')).toThrow(/expected a duration/)
    expect(reader('retry', { jitter: '0.25' }).number('jitter')).toBe(0.25)
  })

  it('checks URLs with the WHATWG parser and refuses credentials in them without echoing them', () => {
    expect(reader('server.a', { url: 'https://cloud.example.org:8086/' }).url('url')).toBe('https://cloud.example.org:8086/')
    expect(() => reader('server.a', { url: 'http://a:99999' }).url('url')).toThrow(InvalidValueError)
    let message = ''
    try {
      reader('server.a', { url: 'https://eht:pw-secret@a' }).url('url')
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain('"https://***@a" is not valid')
    expect(message).not.toContain('pw-secret')
  })

  it('resolves paths through the given resolver', () => {
    expect(reader('spool', { dir: 'spool' }).path('dir')).toBe('/base/spool')
    expect(reader('server.a', {}).optionalPath('ca_file')).toBeUndefined()
  })
})

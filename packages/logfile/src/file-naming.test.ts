import { describe, expect, it } from 'vitest'
import { FileNaming, withCounter } from './file-naming.js'
import { patternDirectives } from './strftime.js'

const at = (iso: string) => new Date(iso).getTime()

describe('FileNaming', () => {
  it('daily: the name of the UTC day, the same all day long', () => {
    const naming = new FileNaming('Kp-%Y%m%d-%H.jsonl', { kind: 'daily' }, patternDirectives('Kp-%Y%m%d-%H.jsonl'))
    expect(naming.at(at('2024-01-01T23:59:59.999Z'))).toBe('Kp-20240101-00.jsonl')
    expect(naming.at(at('2024-01-01T05:00:00Z'))).toBe('Kp-20240101-00.jsonl')
    expect(naming.at(at('2024-01-02T00:00:00Z'))).toBe('Kp-20240102-00.jsonl')
  })

  it('hourly: the name of the UTC hour, also when the clock goes back', () => {
    const naming = new FileNaming('Kp-%Y%m%d-%H%M.lp', { kind: 'hourly' }, patternDirectives('Kp-%Y%m%d-%H%M.lp'))
    expect(naming.at(at('2024-01-01T10:59:59Z'))).toBe('Kp-20240101-1000.lp')
    expect(naming.at(at('2024-01-01T11:00:00Z'))).toBe('Kp-20240101-1100.lp')
    expect(naming.at(at('2024-01-01T10:30:00Z'))).toBe('Kp-20240101-1000.lp')
  })

  it('none: formatted once; size: changes with the fields the pattern has', () => {
    const none = new FileNaming('Kp-%Y%m%d.csv', { kind: 'none' }, patternDirectives('Kp-%Y%m%d.csv'))
    expect(none.at(at('2024-01-01T10:00:00Z'))).toBe('Kp-20240101.csv')
    expect(none.at(at('2024-03-01T10:00:00Z'))).toBe('Kp-20240101.csv')
    const size = new FileNaming('Kp-%Y%m%d.csv', { kind: 'size', maxBytes: 10 }, patternDirectives('Kp-%Y%m%d.csv'))
    expect(size.at(at('2024-01-01T10:00:00Z'))).toBe('Kp-20240101.csv')
    expect(size.at(at('2024-01-02T10:00:00Z'))).toBe('Kp-20240102.csv')
  })

  it('numbers size-rotated files before the extension', () => {
    expect(withCounter('/logs/Kp.jsonl', 0)).toBe('/logs/Kp.jsonl')
    expect(withCounter('/logs/Kp.jsonl', 3)).toBe('/logs/Kp.3.jsonl')
    expect(withCounter('/logs.d/Kp', 2)).toBe('/logs.d/Kp.2')
  })
})

import { describe, expect, it } from 'vitest'
import { escapedFieldKey, escapedMeasurement, escapedTagKey, escapedTagValue, quotedString } from './lp-probe.js'

describe('escaping read back from logfile’s encoder', () => {
  it('escapes like InfluxDB: measurement , and space; keys and tag values , = and space; strings " and \\', () => {
    expect(escapedMeasurement('pps offset,x=y')).toBe('pps\\ offset\\,x=y')
    expect(escapedTagKey('a b=c,d')).toBe('a\\ b\\=c\\,d')
    expect(escapedFieldKey('f=1 2')).toBe('f\\=1\\ 2')
    expect(escapedTagValue('Kp =,')).toBe('Kp\\ \\=\\,')
    expect(escapedTagValue('')).toBe('')
    expect(quotedString('say "hi" \\ ok')).toBe('"say \\"hi\\" \\\\ ok"')
    expect(quotedString('µs ünïcode ✓')).toBe('"µs ünïcode ✓"')
  })

  it('passes on logfile’s refusal of bad names and values', () => {
    expect(() => escapedFieldKey('_field')).toThrow(/reserves/)
    expect(() => escapedTagKey('')).toThrow(/empty/)
    expect(() => escapedTagValue('a\nb')).toThrow(/control character/)
    expect(() => quotedString('a\nb')).toThrow(/^string value contains a newline/)
    expect(() => escapedMeasurement('#comment')).toThrow(/comment/)
  })
})

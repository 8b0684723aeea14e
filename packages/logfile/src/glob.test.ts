import { describe, expect, it } from 'vitest'
import { globToRegExp, isGlob, splitGlob } from './glob.js'

describe('glob', () => {
  it.each([
    ['*.jsonl', 'Kp-20240101.jsonl', true],
    ['*.jsonl', 'sub/Kp.jsonl', false],
    ['**/*.jsonl', 'Kp.jsonl', true],
    ['**/*.jsonl', '2024/01/Kp.jsonl', true],
    ['2024/**/Kp-??.csv', '2024/01/02/Kp-07.csv', true],
    ['2024/**/Kp-??.csv', '2024/Kp-7.csv', false],
    ['Kp-[0-9][0-9].lp', 'Kp-42.lp', true],
    ['Kp-[!0-9]*.lp', 'Kp-42.lp', false],
    ['Kp-[!0-9]*.lp', 'Kp-x.lp', true],
    ['a.b+(c)', 'a.b+(c)', true],
    ['a.b', 'axb', false],
    ['**', 'any/thing/at/all', true],
  ])('%s matches %s: %s', (pattern, file, matches) => {
    expect(globToRegExp(pattern).test(file)).toBe(matches)
  })

  it('splits the leading directories without magic from the pattern', () => {
    expect(splitGlob('/var/log/eht/**/*.jsonl')).toEqual({ base: '/var/log/eht', rest: '**/*.jsonl' })
    expect(splitGlob('*.csv')).toEqual({ base: '.', rest: '*.csv' })
    expect(splitGlob('/*.csv')).toEqual({ base: '/', rest: '*.csv' })
    expect(isGlob('logs/Kp.jsonl')).toBe(false)
    expect(isGlob('logs/Kp-?.jsonl')).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import { BadLineReport, badLineLocation } from './bad-lines.js'
import { Output } from './output.js'

function output(verbose: boolean) {
  const lines: string[] = []
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream
  return { lines, output: new Output({ stdout: stream, stderr: stream }, { quiet: false, verbose, json: false }) }
}
const bad = (line: number) => ({ file: 'stdin', line, reason: `reason ${line}`, text: '' })

describe('BadLineReport', () => {
  it('shows the first 10 as file:line warnings, counts them all, then says how many more', () => {
    const { lines, output: out } = output(false)
    const report = new BadLineReport(out)
    for (let i = 1; i <= 13; i++) report.add(bad(i))
    report.finish()
    expect(lines).toHaveLength(11)
    expect(lines[0]).toBe('eht-influx-client: warning: stdin:1: bad line skipped: reason 1\n')
    expect(lines[10]).toBe('eht-influx-client: warning: ... and 3 more bad lines (--verbose lists them all)\n')
    expect([report.count, report.samples.length, report.describe()]).toEqual([13, 13, '13 bad lines skipped'])
  })

  it('--verbose shows every one; none: "no bad lines"', () => {
    const { lines, output: out } = output(true)
    const report = new BadLineReport(out)
    expect(report.describe()).toBe('no bad lines')
    for (let i = 1; i <= 12; i++) report.add(bad(i))
    report.finish()
    expect(lines).toHaveLength(12)
    report.count = 1
    expect(report.describe()).toBe('1 bad line skipped')
  })

  it('the column is said once, in the location', () => {
    const { lines, output: out } = output(false)
    new BadLineReport(out).add({ file: 'stdin', line: 2, column: 33, reason: 'column 33: field "offset_ns" has no value', text: '' })
    expect(lines).toEqual(['eht-influx-client: warning: stdin:2:33: bad line skipped: field "offset_ns" has no value\n'])
  })

  it('badLineLocation: file:line[:column]', () => {
    expect(badLineLocation({ file: '/a.lp', line: 3 })).toBe('/a.lp:3')
    expect(badLineLocation({ file: '/a.lp', line: 3, column: 7 })).toBe('/a.lp:3:7')
  })
})

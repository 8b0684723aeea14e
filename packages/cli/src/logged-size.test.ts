import * as logfile from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { loggedLineBytes } from './logged-size.js'

describe('loggedLineBytes', () => {
  const record = logfile.decodeLineProtocol(`m,site=Kp s="${'\u0001'.repeat(100)}" 1617672549204824064`)
  const lp = Buffer.byteLength(logfile.encodeLineProtocol(record))

  it('the longest of the logged line (in the logfile format) and the spooled line protocol line', () => {
    expect(loggedLineBytes(logfile, 'lp', record)).toBe(lp)
    // JSON writes U+0001 as \u0001: 6 bytes each
    expect(loggedLineBytes(logfile, 'jsonl', record)).toBe(Buffer.byteLength(logfile.encodeJsonl(record)))
    expect(loggedLineBytes(logfile, 'jsonl', record)).toBeGreaterThan(600)
    expect(loggedLineBytes(logfile, 'csv', record)).toBeGreaterThanOrEqual(lp)
  })
})

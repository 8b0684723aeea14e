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

  it('counts the tags the writer adds to a point that lacks them, not those it has', () => {
    const station = { station: 'Kp' }
    expect(loggedLineBytes(logfile, 'lp', record, station)).toBe(lp + ',station=Kp'.length)
    expect(loggedLineBytes(logfile, 'jsonl', record, station)).toBe(Buffer.byteLength(logfile.encodeJsonl(record)) + ',"station":"Kp"'.length)
    const tagged = logfile.decodeLineProtocol('m,station=Pv s="x" 1617672549204824064')
    expect(loggedLineBytes(logfile, 'lp', tagged, station)).toBe(Buffer.byteLength(logfile.encodeLineProtocol(tagged)))
    expect(record.tags).toEqual({ site: 'Kp' })
  })
})

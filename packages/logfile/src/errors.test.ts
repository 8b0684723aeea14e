import { describe, expect, it } from 'vitest'
import { CsvError, JsonlError, LineProtocolError, LogfileError, LogReadError, LogWriteError, LogWriterClosedError, LogWriterOptionsError, RecordError, TimeError } from './errors.js'

describe('error classes', () => {
  const all = [
    [new RecordError('r', 'tags.x'), 'RecordError', 'RECORD_INVALID'],
    [new LineProtocolError('l', 4), 'LineProtocolError', 'LINE_PROTOCOL_INVALID'],
    [new JsonlError('j', 3), 'JsonlError', 'JSONL_INVALID'],
    [new CsvError('c', 2), 'CsvError', 'CSV_INVALID'],
    [new TimeError('t'), 'TimeError', 'TIME_INVALID'],
    [new LogWriterOptionsError('o', 'rotate.maxBytes'), 'LogWriterOptionsError', 'WRITER_OPTIONS_INVALID'],
    [new LogWriteError('w', '/x'), 'LogWriteError', 'WRITE_FAILED'],
    [new LogWriterClosedError('closed'), 'LogWriterClosedError', 'WRITER_CLOSED'],
    [new LogReadError('rd', '/x'), 'LogReadError', 'READ_FAILED'],
  ] as const

  it.each(all)('%s has a stable name and code and is a LogfileError', (error, name, code) => {
    expect(error.name).toBe(name)
    expect(error.code).toBe(code)
    expect(LogfileError.isInstance(error)).toBe(true)
    expect(error).toBeInstanceOf(Error)
  })

  it('tells subclasses apart and keeps the ES2022 cause', () => {
    const cause = new Error('disk full')
    const error = new LogWriteError('cannot append', '/var/log/x.jsonl', { cause })
    expect(error.cause).toBe(cause)
    expect(LogWriteError.isInstance(error)).toBe(true)
    expect(RecordError.isInstance(error)).toBe(false)
    expect(LineProtocolError.isInstance(new LineProtocolError('x', 7))).toBe(true)
    expect(new LineProtocolError('bad value', 7).message).toBe('column 7: bad value')
  })

  it('recognises an error from another copy of the package (same brand and name, other class)', () => {
    const brand = Symbol.for('@eht-influx-client/logfile:LogfileError')
    const foreign = Object.assign(new Error('from a duplicate install'), { name: 'RecordError', code: 'RECORD_INVALID', [brand]: true })
    expect(LogfileError.isInstance(foreign)).toBe(true)
    expect(RecordError.isInstance(foreign)).toBe(true)
    expect(CsvError.isInstance(foreign)).toBe(false)
    expect(LogfileError.isInstance(Object.assign(new Error('x'), { name: 'RecordError' }))).toBe(false)
    expect(LogfileError.isInstance(null)).toBe(false)
    expect(LogfileError.isInstance('RecordError')).toBe(false)
  })
})

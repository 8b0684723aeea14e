import { describe, expect, it } from 'vitest'
import { CheckpointError, ExportDataError, ExportOutputError, ExportQueryError, ReplayError, ReplayOptionsError } from './errors.js'

describe('error classes', () => {
  const cases = [
    [new ReplayOptionsError('m', 'since'), 'ReplayOptionsError', 'REPLAY_OPTIONS_INVALID'],
    [new CheckpointError('m', '/f'), 'CheckpointError', 'CHECKPOINT_FAILED'],
    [new ExportQueryError('m', 'local', 400), 'ExportQueryError', 'EXPORT_QUERY_FAILED'],
    [new ExportDataError('m', 'local'), 'ExportDataError', 'EXPORT_DATA_INVALID'],
    [new ExportOutputError('m', '/o'), 'ExportOutputError', 'EXPORT_OUTPUT_FAILED'],
  ] as const

  it.each(cases)('%s has a stable name and code and is a ReplayError', (error, name, code) => {
    expect(error.name).toBe(name)
    expect(error.code).toBe(code)
    expect(ReplayError.isInstance(error)).toBe(true)
  })

  it('isInstance tells the classes apart', () => {
    expect(ReplayOptionsError.isInstance(new CheckpointError('m', '/f'))).toBe(false)
    expect(CheckpointError.isInstance(new CheckpointError('m', '/f'))).toBe(true)
    expect(ReplayError.isInstance(new Error('plain'))).toBe(false)
    expect(ReplayError.isInstance(null)).toBe(false)
  })

  it('isInstance works for an error from another copy of the package (brand and name, not instanceof)', () => {
    const foreign = Object.assign(new Error('m'), { name: 'ExportQueryError', code: 'EXPORT_QUERY_FAILED', [Symbol.for('@eht-influx-client/replay:ReplayError')]: true })
    expect(ExportQueryError.isInstance(foreign)).toBe(true)
    expect(ReplayError.isInstance(foreign)).toBe(true)
    expect(ExportDataError.isInstance(foreign)).toBe(false)
    const lookalike = Object.assign(new Error('m'), { name: 'ExportQueryError' })
    expect(ExportQueryError.isInstance(lookalike)).toBe(false)
  })

  it('keeps the cause', () => {
    const cause = new Error('root')
    expect(new ExportQueryError('m', 's', undefined, { cause }).cause).toBe(cause)
  })
})

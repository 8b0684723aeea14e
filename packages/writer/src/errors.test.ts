import { describe, expect, it } from 'vitest'
import { ClosedError, InvalidInputError, PointsRejectedError, SpoolFullError, WriterError } from './errors.js'

describe('writer errors', () => {
  it('have a stable name and code, a cause, and isInstance that does not need instanceof', () => {
    const cause = new Error('disk full')
    const error = new SpoolFullError('spool full', 'cloud', { cause })
    expect([error.name, error.code, error.server, error.cause]).toEqual(['SpoolFullError', 'SPOOL_FULL', 'cloud', cause])
    expect(WriterError.isInstance(error)).toBe(true)
    expect(WriterError.isInstance(new Error('x'))).toBe(false)
    // A copy from another install: same brand, different class.
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('@eht-influx-client/writer.WriterError'), { value: true })
    expect(WriterError.isInstance(foreign)).toBe(true)
    expect(new InvalidInputError('row 1', 1, 'v')).toMatchObject({ name: 'InvalidInputError', code: 'INVALID_INPUT', row: 1, column: 'v' })
    expect(new ClosedError('closed').code).toBe('CLOSED')
    expect(new PointsRejectedError('r', 'local', 400).status).toBe(400)
  })

  it('isInstance on a subclass matches only that subclass, also across copies', () => {
    const spoolFull = new SpoolFullError('spool full', 'cloud')
    expect(SpoolFullError.isInstance(spoolFull)).toBe(true)
    expect(ClosedError.isInstance(spoolFull)).toBe(false)
    expect(SpoolFullError.isInstance(new ClosedError('closed'))).toBe(false)
    const brand = Symbol.for('@eht-influx-client/writer.WriterError')
    const foreign = Object.defineProperty(Object.assign(new Error('x'), { name: 'ClosedError' }), brand, { value: true })
    expect(ClosedError.isInstance(foreign)).toBe(true)
    expect(SpoolFullError.isInstance(foreign)).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { CliError } from './errors.js'
import { reportingLibraryErrors, toCliError } from './library-errors.js'

const libraryError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('toCliError', () => {
  it.each([
    ['WRITER_CONFIG', 'CliConfigError', 2],
    ['PROFILE_GUARD', 'CliConfigError', 2],
    ['REPLAY_OPTIONS_INVALID', 'UsageError', 2],
    ['READ_FAILED', 'InputError', 2],
    ['EXPORT_QUERY_FAILED', 'ServerError', 1],
    ['LOGFILE_WRITE', 'OutputError', 1],
    ['SPOOL_DRAIN', 'OutputError', 1],
    ['CHECKPOINT_FAILED', 'OutputError', 1],
  ])('%s -> %s (exit %i), the original as cause', (code, name, exitCode) => {
    const original = libraryError(code, 'what went wrong')
    const mapped = toCliError(original) as CliError
    expect([mapped.name, mapped.exitCode, mapped.message, mapped.cause]).toEqual([name, exitCode, 'what went wrong', original])
  })

  it("names the command's option where the library names its own", () => {
    expect((toCliError(libraryError('CHECKPOINT_FAILED', 'delete it or replay with resume: false to start over')) as Error).message).toBe('delete it or replay with --no-resume to start over')
  })

  it('leaves other errors and CliErrors as they are', async () => {
    const plain = new Error('boom')
    expect(toCliError(plain)).toBe(plain)
    const cli = new CliError('x', { exitCode: 2 })
    expect(toCliError(cli)).toBe(cli)
    await expect(reportingLibraryErrors(async () => Promise.reject(libraryError('READ_FAILED', 'cannot read x')))).rejects.toMatchObject({ name: 'InputError', exitCode: 2 })
  })
})

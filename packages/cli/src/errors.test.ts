import { describe, expect, it } from 'vitest'
import { CliConfigError, CliError, InputError, InterruptedError, OutputError, ServerError, UsageError } from './errors.js'

describe('CliError', () => {
  it('gives each subclass a stable name, code and exit code', () => {
    const cases = [
      [new UsageError('x'), 'UsageError', 'EHT_CLI_USAGE', 2],
      [new CliConfigError('x'), 'CliConfigError', 'EHT_CLI_CONFIG', 2],
      [new InputError('x'), 'InputError', 'EHT_CLI_INPUT', 2],
      [new OutputError('x'), 'OutputError', 'EHT_CLI_OUTPUT', 1],
      [new ServerError('x'), 'ServerError', 'EHT_CLI_SERVER', 1],
      [new InterruptedError(), 'InterruptedError', 'EHT_CLI_INTERRUPTED', 130],
    ] as const
    for (const [error, name, code, exitCode] of cases) {
      expect([error.name, error.code, error.exitCode]).toEqual([name, code, exitCode])
      expect(CliError.isInstance(error)).toBe(true)
    }
  })

  it('keeps the cause (ES2022)', () => {
    const cause = new Error('EACCES')
    expect(new OutputError('cannot write', { cause }).cause).toBe(cause)
  })

  it('recognises an error of another copy of the package by its brand, not instanceof', () => {
    const foreign = Object.assign(new Error('from a duplicate install'), { code: 'EHT_CLI_USAGE', exitCode: 2 })
    const branded = Object.defineProperty(new Error('branded'), Symbol.for('@eht-influx-client/cli/CliError'), { value: true })
    expect(foreign instanceof CliError).toBe(false)
    expect(CliError.isInstance(foreign)).toBe(true)
    expect(CliError.isInstance(branded)).toBe(true)
    expect(CliError.isInstance(Object.assign(new Error('other'), { code: 'ENOENT', exitCode: 1 }))).toBe(false)
    expect(CliError.isInstance({ code: 'EHT_CLI_USAGE', exitCode: 2 })).toBe(false)
    expect(CliError.isInstance(null)).toBe(false)
  })
})

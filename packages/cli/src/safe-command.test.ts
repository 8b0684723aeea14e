import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { SafeCommand } from './safe-command.js'

/** A program with one subcommand, as buildProgram makes it; what it prints on stderr and the error it throws. */
function parse(argv: string[]): { stderr: string; error: CommanderError } {
  let stderr = ''
  const program = new SafeCommand('prog').exitOverride().showSuggestionAfterError(true).configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => {} })
  program.option('--config <path>').option('--json').option('-q, --quiet')
  program.command('check').option('--server <name>').option('--all').action(() => {})
  try {
    program.parse(argv, { from: 'user' })
  } catch (error) {
    return { stderr, error: error as CommanderError }
  }
  throw new Error(`no error for ${argv.join(' ')}`)
}

describe('SafeCommand: an unknown option is named, its value never shown', () => {
  it.each([
    [['check', '--token=S3CRET-TOKEN-xyz'], '--token'],
    [['--password=S3CRET-PASS-xyz', 'check'], '--password'],
    [['check', '-tS3CRET-TOKEN-xyz'], '-t'],
    [['check', '--frobnicate'], '--frobnicate'],
  ])('%j -> unknown option %j', (argv, name) => {
    const { stderr, error } = parse(argv)
    expect(error.code).toBe('commander.unknownOption')
    expect(error.message).toBe(`error: unknown option '${name}'`)
    expect(stderr).toBe(`error: unknown option '${name}'\n`)
  })

  it('still suggests a known option by its name', () => {
    const { stderr } = parse(['check', '--serve=S3CRET'])
    expect(stderr).toBe("error: unknown option '--serve'\n(Did you mean --server?)\n")
  })

  it.each([
    [['--json=x', 'check'], '--json'],
    [['check', '--json=S3CRET-TOKEN-xyz'], '--json'],
    [['check', '--quiet=1'], '--quiet'],
    [['check', '--all='], '--all'],
  ])('%j names a known option that takes no value as such (not "unknown option ... Did you mean" itself), without the value', (argv, name) => {
    const { stderr, error } = parse(argv)
    expect(error.code).toBe('commander.optionTakesNoValue')
    expect(error.message).toBe(`error: option '${name}' takes no value; write ${name} alone`)
    expect(stderr).toBe(`error: option '${name}' takes no value; write ${name} alone\n`)
    expect(stderr).not.toContain('S3CRET')
  })

  it('an option of another subcommand (not known here) is still unknown', () => {
    const { error } = parse(['--all=1', 'check'])
    expect(error.message).toBe("error: unknown option '--all'")
  })
})

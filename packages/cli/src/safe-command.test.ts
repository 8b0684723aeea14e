import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { SafeCommand } from './safe-command.js'

/** A program with one subcommand, as buildProgram makes it; what it prints on stderr and the error it throws. */
function parse(argv: string[]): { stderr: string; error: CommanderError } {
  let stderr = ''
  const program = new SafeCommand('prog').exitOverride().showSuggestionAfterError(true).configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => {} })
  program.option('--config <path>')
  program.command('check').option('--server <name>').action(() => {})
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
})

import { Command, type Option } from 'commander'

type UnknownOption = (this: Command, flag: string) => void

/**
 * commander's Command, except that an unknown option is named without its value:
 * `--token=S3CRET` (or `-tS3CRET`) must not print the token in "unknown option '...'",
 * on stderr nor in --json. Subcommands are made of this class too.
 */
export class SafeCommand extends Command {
  override createCommand(name?: string): Command {
    return new SafeCommand(name)
  }

  /**
   * Called by commander (not in its typings) with the unknown argument as written. `--json=x`
   * names an option that exists but takes no value (commander then said "unknown option
   * '--json' (Did you mean --json?)"): that is said instead, the value still not shown.
   */
  unknownOption(flag: string): void {
    const name = flag.startsWith('--') ? flag.split('=')[0]! : flag.slice(0, 2)
    if (flag.startsWith('--') && flag.includes('=') && this.flagOption(name) !== undefined) {
      this.error(`error: option '${name}' takes no value; write ${name} alone`, { code: 'commander.optionTakesNoValue' })
    }
    ;(Command.prototype as unknown as { unknownOption: UnknownOption }).unknownOption.call(this, name)
  }

  /** The option `--name` that takes no value (a flag), of this command or of those it belongs to, as commander looks them up. */
  private flagOption(name: string): Option | undefined {
    const positional = (command: Command) => (command as unknown as { _enablePositionalOptions?: boolean })._enablePositionalOptions === true
    let command: Command | null = this
    do {
      const option = command.options.find((o) => o.long === name)
      if (option !== undefined) return option.required || option.optional ? undefined : option
      command = command.parent
    } while (command !== null && !positional(command))
    return undefined
  }
}

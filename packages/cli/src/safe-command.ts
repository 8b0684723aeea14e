import { Command } from 'commander'

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

  /** Called by commander (not in its typings) with the unknown argument as written. */
  unknownOption(flag: string): void {
    const name = flag.startsWith('--') ? flag.split('=')[0]! : flag.slice(0, 2)
    ;(Command.prototype as unknown as { unknownOption: UnknownOption }).unknownOption.call(this, name)
  }
}

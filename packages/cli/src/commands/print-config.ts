import type { Command } from 'commander'
import type { CommandContext, CommandResult } from '../command.js'
import { PROGRAM_NAME } from '../output.js'

export function configure(command: Command): void {
  command
    .option('--current', 'print the effective configuration of the loaded file instead (every key, secrets as ***)')
    .addHelpText(
      'after',
      `
Examples:
  $ ${PROGRAM_NAME} print-config > influx_config.ini        # a working file to edit
  $ ${PROGRAM_NAME} print-config --current -c influx_config.ini   # what the client will actually use`,
    )
}

export async function run(context: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const configModule = await import('@eht-influx-client/config')
  if (options.current !== true) {
    const text = configModule.defaultConfigText()
    context.output.result(text)
    return { exitCode: 0, json: { current: false, text } }
  }
  const config = await context.loadConfig()
  const text = configModule.formatConfig(config)
  context.output.result(text)
  // JSON.stringify shows every Secret as "***" (Secret.toJSON)
  return { exitCode: 0, json: { current: true, source: config.source ?? null, text, config: JSON.parse(JSON.stringify(config)) as unknown } }
}

import type { CommandModule } from './command.js'

/** One command of `eht-influx-client`; its module is imported only when it runs or shows its help. */
export interface CommandEntry {
  name: string
  /** One line for the command list of `eht-influx-client --help`. */
  summary: string
  load(): Promise<CommandModule>
}

/**
 * Every command, in the order of `--help`. Adding a command: write
 * `src/commands/<name>.ts` exporting `configure` and `run` (a CommandModule)
 * and add its line here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'print-config', summary: 'print the complete, commented default configuration (or --current: the effective one)', load: () => import('./commands/print-config.js') },
  { name: 'check', summary: 'check the configuration, every server, the logfile and spool locations', load: () => import('./commands/check.js') },
  { name: 'convert', summary: 'convert a logfile between JSONL, CSV and line protocol', load: () => import('./commands/convert.js') },
]

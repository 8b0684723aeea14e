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
  { name: 'write', summary: 'write points from stdin or a file (line protocol, JSONL, CSV) to the logfile and every server', load: () => import('./commands/write.js') },
  { name: 'replay', summary: 'replay logfiles into every server (or the named ones), resuming where the last run stopped', load: () => import('./commands/replay.js') },
  { name: 'spool', summary: 'per server: spooled points, bytes, oldest point; `spool drain` delivers them', load: () => import('./commands/spool.js') },
  { name: 'export', summary: 'dump a server (all measurements, all time, or a selection) to a logfile', load: () => import('./commands/export.js') },
  { name: 'convert', summary: 'convert a logfile between JSONL, CSV and line protocol', load: () => import('./commands/convert.js') },
]

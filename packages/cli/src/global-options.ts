import { Option } from 'commander'

/** The options every command understands, before or after the command name. */
export interface GlobalOptions {
  /** --config <path>: the configuration file (else the config package's search order). */
  config: string | undefined
  /** --profile <test|prod>: overrides [client] profile of the file. */
  profile: 'test' | 'prod' | undefined
  /** --quiet: no notices, progress or summary; errors and the command's own output only. */
  quiet: boolean
  /** --verbose: details (each bad line, each HTTP answer, stack traces of unexpected errors). */
  verbose: boolean
  /** --json: exactly one JSON object on stdout describing the outcome. */
  json: boolean
}

/** commander Option objects for the global options (a new set per program). */
export function globalOptionDefinitions(): Option[] {
  return [
    new Option('-c, --config <path>', 'configuration file (default: the search order of the config package)'),
    new Option('--profile <name>', 'profile to use, overriding [client] profile').choices(['test', 'prod']),
    new Option('-q, --quiet', 'print only errors and the command output (no notices, progress or summary)').conflicts('verbose'),
    new Option('-v, --verbose', 'print details: every bad line, every server answer, stack traces'),
    new Option('--json', 'print one JSON object on stdout describing the outcome'),
  ]
}

/** Global options that take a value, long and short: their value is never the command name. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--profile'])
const VALUE_SHORT_FLAGS = new Set(['c'])

/**
 * The command name on a command line (the first operand that is not an option
 * value), or after `help`: `-c x.ini check --json` -> "check", `help convert` -> "convert",
 * `-- check` -> "check".
 * Only this command's module is loaded, so that start-up stays fast.
 */
export function findCommandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    // After `--` every argument is an operand, and commander still takes the first as the command
    // (`-- check` runs check, `-- help check` shows its help): the same one is loaded.
    if (arg === '--') return argv[i + 1] === 'help' ? argv[i + 2] : argv[i + 1]
    if (VALUE_OPTIONS.has(arg)) {
      i += 1
      continue
    }
    if (/^-[a-zA-Z]/.test(arg)) {
      if (shortGroupTakesNext(arg)) i += 1
      continue
    }
    if (arg.startsWith('-')) continue
    if (arg === 'help') continue
    return arg
  }
  return undefined
}

/** `-qc` takes the next argument as the value of -c; `-cfile.ini` and `-qv` do not. */
function shortGroupTakesNext(group: string): boolean {
  for (let j = 1; j < group.length; j++) {
    if (VALUE_SHORT_FLAGS.has(group[j]!)) return j === group.length - 1
  }
  return false
}

/** The global options as the program parsed them (missing ones as their defaults). */
export function readGlobalOptions(values: Record<string, unknown>): GlobalOptions {
  const profile = values.profile
  return {
    config: typeof values.config === 'string' ? values.config : undefined,
    profile: profile === 'test' || profile === 'prod' ? profile : undefined,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    json: values.json === true,
  }
}

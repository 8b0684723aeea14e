import type { CommandContext } from './command.js'
import { InterruptedError, type ExitCode } from './errors.js'
import type { GlobalOptions } from './global-options.js'
import { handleInterrupt, type Interrupt } from './interrupt.js'
import { loadEffectiveConfig } from './load-config.js'
import type { Output } from './output.js'
import { progressIntervalFromEnv, startProgress } from './progress.js'

/**
 * The context of one command run; `dispose()` removes what the command installed (the Ctrl-C handler).
 * `finish(code)`: the exit code and whether a stop signal came. A command reports any interruption as 130
 * (Ctrl-C); after SIGTERM or SIGHUP it is 143 or 129. A signal the command did not stop for (it came while
 * the command finished: the servers closing, a request waiting out its timeout) is reported all the same,
 * with its exit code: its note said "stopping cleanly", and a script or supervisor must see it came.
 */
export function createContext(globals: GlobalOptions, output: Output, env: NodeJS.ProcessEnv, cwd: string): { context: CommandContext; dispose(): void; finish(code: ExitCode): { exitCode: ExitCode; interrupted: boolean } } {
  const interrupts: Interrupt[] = []
  const context: CommandContext = {
    globals,
    output,
    env,
    cwd,
    loadConfig: () => loadEffectiveConfig(globals, output, { env, cwd }),
    handleInterrupt() {
      const interrupt = handleInterrupt(output)
      interrupts.push(interrupt)
      return interrupt
    },
    startProgress: (options) =>
      startProgress({ stream: output.streams.stderr, quiet: output.quiet, intervalMs: progressIntervalFromEnv(env) }, options),
  }
  return {
    context,
    dispose() {
      for (const interrupt of interrupts.splice(0)) interrupt.dispose()
    },
    finish(code) {
      const reason: unknown = interrupts.find((i) => i.signal.aborted)?.signal.reason
      if (!(reason instanceof InterruptedError)) return { exitCode: code, interrupted: false }
      if (code !== 130 && code !== reason.exitCode) {
        output.error(`${reason.signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : reason.signal} came as the command was finishing: nothing was cut short, what was done is said above; exit ${reason.exitCode} for the signal`)
      }
      return { exitCode: reason.exitCode, interrupted: true }
    },
  }
}

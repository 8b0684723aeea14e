import type { CommandContext } from './command.js'
import { InterruptedError, type ExitCode } from './errors.js'
import type { GlobalOptions } from './global-options.js'
import { handleInterrupt, type Interrupt } from './interrupt.js'
import { loadEffectiveConfig } from './load-config.js'
import type { Output } from './output.js'
import { progressIntervalFromEnv, startProgress } from './progress.js'

/**
 * The context of one command run; `dispose()` removes what the command installed (the Ctrl-C handler).
 * `exitCode(code)`: a command reports any interruption as 130 (Ctrl-C); after SIGTERM or SIGHUP it is 143 or 129.
 */
export function createContext(globals: GlobalOptions, output: Output, env: NodeJS.ProcessEnv, cwd: string): { context: CommandContext; dispose(): void; exitCode(code: ExitCode): ExitCode } {
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
    exitCode(code) {
      if (code !== 130) return code
      const reason: unknown = interrupts.find((i) => i.signal.aborted)?.signal.reason
      return reason instanceof InterruptedError ? reason.exitCode : code
    },
  }
}

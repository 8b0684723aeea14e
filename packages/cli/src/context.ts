import type { CommandContext } from './command.js'
import type { GlobalOptions } from './global-options.js'
import { handleInterrupt, type Interrupt } from './interrupt.js'
import { loadEffectiveConfig } from './load-config.js'
import type { Output } from './output.js'
import { progressIntervalFromEnv, startProgress } from './progress.js'

/** The context of one command run; `dispose()` removes what the command installed (the Ctrl-C handler). */
export function createContext(globals: GlobalOptions, output: Output, env: NodeJS.ProcessEnv, cwd: string): { context: CommandContext; dispose(): void } {
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
  }
}

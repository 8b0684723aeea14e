import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { UsageError } from './errors.js'

/**
 * The server `--server <name>` names; else a UsageError naming the option, the
 * configuration and the servers it has (and the right spelling when only the
 * case differs: names are case-sensitive).
 */
export function serverOption(config: EHTConfig, name: string): ServerConfig {
  const server = config.servers.find((s) => s.name === name)
  if (server !== undefined) return server
  const known = config.servers.map((s) => s.name)
  const sameButCase = known.find((k) => k.toLowerCase() === name.toLowerCase())
  const hint = sameButCase === undefined ? '' : ` (names are case-sensitive: --server ${sameButCase}?)`
  throw new UsageError(`--server ${name}: no such server in ${config.source ?? 'the configuration'}; known: ${known.join(', ') || 'none'}${hint}`)
}

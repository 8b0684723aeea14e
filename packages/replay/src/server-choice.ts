import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { ReplayOptionsError } from './errors.js'

function where(config: EHTConfig): string {
  return config.source ?? 'the configuration'
}

/** The server called `name` (enabled or not); throws ReplayOptionsError listing the known names. */
export function findServer(config: EHTConfig, name: string, key: string): ServerConfig {
  const server = config.servers.find((s) => s.name === name)
  if (server === undefined) {
    const known = config.servers.map((s) => s.name).join(', ') || 'none'
    throw new ReplayOptionsError(`${key}: no server "${name}" in ${where(config)}; known servers: ${known}`, key)
  }
  return server
}

/** The named servers, or every enabled one; throws when that leaves none. */
export function chooseServers(config: EHTConfig, names: readonly string[] | undefined): ServerConfig[] {
  if (names !== undefined) {
    if (names.length === 0) throw new ReplayOptionsError('servers is empty: name at least one server, or leave it out for every enabled server', 'servers')
    return names.map((name, i) => findServer(config, name, `servers[${i}]`))
  }
  const enabled = config.servers.filter((s) => s.enabled)
  if (enabled.length === 0) {
    throw new ReplayOptionsError(`${where(config)} has no enabled server to send to; add a [server.<name>] section or name a server`, 'servers')
  }
  return enabled
}

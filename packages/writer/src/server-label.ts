import { redactUrl, type ServerConfig } from '@eht-influx-client/config'

/** `server "local" (http://127.0.0.1:8086)`, for messages. */
export function describeServer(server: Pick<ServerConfig, 'name' | 'url'>): string {
  return `server "${server.name}" (${redactUrl(server.url)})`
}

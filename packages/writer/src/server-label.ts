import type { ServerConfig } from '@eht-influx-client/config'

/** A URL safe to print: any user:password@ part removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//')
  }
}

/** `server "local" (http://127.0.0.1:8086)`, for messages. */
export function describeServer(server: Pick<ServerConfig, 'name' | 'url'>): string {
  return `server "${server.name}" (${redactUrl(server.url)})`
}

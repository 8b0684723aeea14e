import type { ServerConfig } from '@eht-influx-client/config'

/** A server's secret values (and the Basic credential made of them), to scrub from anything printed. */
export function secretValues(server: Pick<ServerConfig, 'token' | 'username' | 'password'>): string[] {
  const values = [server.token?.reveal(), server.password?.reveal()].filter((v): v is string => v !== undefined && v.length > 0)
  if (server.password !== undefined) values.push(Buffer.from(`${server.username ?? ''}:${server.password.reveal()}`).toString('base64'))
  return values
}

/** `text` with every secret value replaced by ***. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join('***')
  return out
}

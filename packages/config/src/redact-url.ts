/**
 * A URL safe to print: any `user:password@` part removed. The config already
 * refuses such URLs; writer and cli still print every server URL through this,
 * so a URL built by hand cannot leak its credentials either.
 */
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

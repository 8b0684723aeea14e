/**
 * A URL safe to print: any `user:password@` part removed. The config already
 * refuses such URLs; writer and cli still print every server URL through this,
 * so a URL built by hand cannot leak its credentials either.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    // `eht:pw@host:8086` parses too, as scheme `eht:` with the rest as its path.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return maskUserinfo(url)
    if (parsed.username === '' && parsed.password === '') return url
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return maskUserinfo(url)
  }
}

/**
 * For text that is not a valid URL: everything between `scheme://` (or the start) and the last
 * `@` replaced by `***`, so that `eht:pw@host`, `http://eht:p/w@host` never show the password.
 */
export function maskUserinfo(text: string): string {
  const at = text.lastIndexOf('@')
  if (at < 0) return text
  const scheme = text.indexOf('//')
  const from = scheme >= 0 && scheme < at ? scheme + 2 : 0
  return `${text.slice(0, from)}***${text.slice(at)}`
}

/**
 * A URL value of the file made safe for an error message: `user:password@` as `***@`, and a
 * ?query or #fragment (which may hold `?u=eht&p=password`, as InfluxDB 1.x takes) as `?***`.
 */
export function maskUrlSecrets(text: string): string {
  // Everything from `//` to the last `@` goes first, whatever the URL parser makes of it: in
  // `http://eht:12?pw@influx` it ends the host at the `?`, and would show `eht:12` as host and port.
  const masked = maskUserinfo(text)
  const cut = masked.search(/[?#]/)
  if (cut < 0) return masked
  let url: URL | undefined
  try {
    url = new URL(masked)
  } catch {
    url = undefined
  }
  if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:')) {
    // The parser found the parts (an authority ends at the first ? or #): no query or fragment shows.
    return `${url.protocol}//${url.username === '' && url.password === '' ? '' : '***@'}${url.host}${url.pathname}${masked[cut]}***`
  }
  return `${masked.slice(0, cut + 1)}***`
}

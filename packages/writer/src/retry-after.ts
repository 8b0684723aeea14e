/**
 * The delay a `Retry-After` header asks for, in milliseconds: HTTP says either
 * a number of SECONDS (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 * A date in the past gives 0; a missing or unreadable value gives undefined.
 */
export function retryAfterMs(header: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header) as string | undefined
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000)
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

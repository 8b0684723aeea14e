// Human-readable figures for progress lines, summaries and the check report.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

/** 1536 -> "1.5 kB" (powers of 1000, like df -H); whole bytes below 1 kB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B'
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`
}

/** 65_000 -> "1 min 5 s"; 1_234 -> "1.2 s"; 12 -> "12 ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${seconds} s`
}

/** 1234567 -> "1,234,567" (grouping independent of the locale). */
export function formatCount(count: number): string {
  return Math.round(count).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** 1 -> "1 point", 1500 -> "1,500 points" */
export function formatPoints(count: number, noun = 'point'): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

/** Amount per second over an elapsed time, in the unit of the amount. */
export function formatRate(amount: number, elapsedMs: number, unit: 'bytes' | 'points'): string {
  if (elapsedMs <= 0) return unit === 'bytes' ? '? B/s' : '? points/s'
  const perSecond = (amount * 1000) / elapsedMs
  return unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${formatCount(perSecond)} points/s`
}

/** An amount in its unit: bytes -> "1.5 kB", points -> "1,500 points". */
export function formatAmount(amount: number, unit: 'bytes' | 'points'): string {
  return unit === 'bytes' ? formatBytes(amount) : `${formatCount(amount)} points`
}

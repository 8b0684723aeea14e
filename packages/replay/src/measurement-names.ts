/** Edit distance of two names (insert, delete, replace one character each count 1). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)))
    row = next
  }
  return row[b.length]!
}

/** The known name a mistyped one most likely meant: the same in another case first, else the nearest within a few edits. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  const sameCase = known.find((k) => k.toLowerCase() === lower)
  if (sameCase !== undefined) return sameCase
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const k of known) {
    const d = distance(lower, k.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best
}

/** The warning for a measurement asked for that the server does not have: names it, a near name, and the known ones. */
export function unknownMeasurementWarning(name: string, known: readonly string[], where: string): string {
  const near = nearestName(name, known)
  const hint =
    near === undefined ? '' : near.toLowerCase() === name.toLowerCase() ? ` (names are case-sensitive: did you mean "${near}"?)` : ` (did you mean "${near}"?)`
  const shown = known.length === 0 ? 'it has none' : `it has ${known.slice(0, 20).map((k) => JSON.stringify(k)).join(', ')}${known.length > 20 ? `, and ${known.length - 20} more` : ''}`
  return `measurement ${JSON.stringify(name)} is not on ${where}, so nothing of it was exported${hint}; ${shown}`
}

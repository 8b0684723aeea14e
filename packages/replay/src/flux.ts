/** A Flux string literal: `\`, `"` and the interpolation opener `${` escaped, so a name cannot end it or run code. */
export function fluxString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${')}"`
}

/** Every point of `bucket` in [from, to) (integer ns), only `measurements` when given. */
export function fluxWindowQuery(bucket: string, measurements: readonly string[] | undefined, from: bigint, to: bigint): string {
  const lines = [`from(bucket: ${fluxString(bucket)})`, `  |> range(start: time(v: ${from}), stop: time(v: ${to}))`]
  if (measurements !== undefined) {
    const test = measurements.length === 0 ? 'false' : measurements.map((m) => `r._measurement == ${fluxString(m)}`).join(' or ')
    lines.push(`  |> filter(fn: (r) => ${test})`)
  }
  return lines.join('\n')
}

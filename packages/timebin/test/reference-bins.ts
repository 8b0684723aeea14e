/**
 * A slow reference for TimeBin, written from the definition rather than from
 * the implementation: every point's value holds from the previous point's time
 * up to its own (the first from the start of its bin), and a bin's value is the
 * integral of that step function over the bin divided by the width (finished
 * bins) or by the covered part (the open bin, at flush). Integrals are summed
 * per bin from the overlap of each segment with each bin, in absolute times.
 * Meant for times that are not within rounding of a bin boundary.
 */
export interface ReferenceBins {
  finished: [number, number][]
  /** The open bin as flush() returns it, if any of it is covered. */
  open: [number, number] | undefined
}

export function referenceBins(points: readonly (readonly [number, number])[], width: number): ReferenceBins {
  if (points.length === 0) return { finished: [], open: undefined }
  const integral = new Map<number, number>()
  let from = Math.floor(points[0]![0] / width) * width
  for (const [to, value] of points) {
    for (let k = Math.floor(from / width); k * width < to; k++) {
      const overlap = Math.min(to, (k + 1) * width) - Math.max(from, k * width)
      if (overlap > 0) integral.set(k, (integral.get(k) ?? 0) + value * overlap)
    }
    from = to
  }
  const first = Math.floor(points[0]![0] / width)
  const last = Math.floor(from / width)
  const finished: [number, number][] = []
  for (let k = first; k < last; k++) finished.push([k * width, (integral.get(k) ?? 0) / width])
  const covered = from - last * width
  return { finished, open: covered > 0 ? [last * width, (integral.get(last) ?? 0) / covered] : undefined }
}

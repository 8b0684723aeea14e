const view = new DataView(new ArrayBuffer(8))

/** The double `steps` representable values away from `x` (towards +Infinity when steps > 0). Finite x != 0 only. */
export function ulpsAway(x: number, steps: number): number {
  view.setFloat64(0, x)
  const bits = view.getBigInt64(0)
  // For negative x the bit pattern runs the other way.
  view.setBigInt64(0, bits + BigInt(x > 0 ? steps : -steps))
  return view.getFloat64(0)
}

import type { BadLine } from './read-types.js'

const SHOWN_BY_DEFAULT = 20

export function defaultBadLineReporter(): (bad: BadLine) => void {
  let seen = 0
  return (bad) => {
    seen++
    if (seen <= SHOWN_BY_DEFAULT) console.warn(`${bad.file}:${bad.line}${bad.column === undefined ? '' : `:${bad.column}`}: bad line skipped: ${bad.reason}`)
    if (seen === SHOWN_BY_DEFAULT) console.warn('further bad lines are skipped without a message; pass onBadLine to see them all')
  }
}


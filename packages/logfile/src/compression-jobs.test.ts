import { describe, expect, it } from 'vitest'
import { CompressionJobs } from './compression-jobs.js'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** Whether `promise` has settled after everything already queued has run. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  await new Promise((r) => setTimeout(r, 10))
  return done
}

describe('CompressionJobs', () => {
  it('two compressions of one file: settled() and of(file) wait for both, the earlier one too', async () => {
    const jobs = new CompressionJobs()
    const first = deferred()
    const second = deferred()
    jobs.add('Kp.jsonl', first.promise)
    jobs.add('Kp.jsonl', second.promise)
    second.resolve()
    const settled = jobs.settled()
    const ofFile = jobs.of('Kp.jsonl')!
    expect(await isDone(settled)).toBe(false)
    expect(await isDone(ofFile)).toBe(false)
    first.resolve()
    expect(await isDone(settled)).toBe(true)
    expect(await isDone(ofFile)).toBe(true)
    expect(jobs.of('Kp.jsonl')).toBeUndefined()
  })

  it('of(file) is undefined for a file not being compressed; settled() with none resolves', async () => {
    const jobs = new CompressionJobs()
    const other = deferred()
    jobs.add('a.jsonl', other.promise)
    expect(jobs.of('b.jsonl')).toBeUndefined()
    other.resolve()
    await jobs.settled()
    expect(await isDone(new CompressionJobs().settled())).toBe(true)
  })
})

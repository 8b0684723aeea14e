import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claimCompression, claimPath, removeIfLeftover } from './compression-claim.js'
import { ownProcessIdentity } from './process-identity.js'

let dir: string
let file: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-claim-'))
  file = path.join(dir, 'Kp.jsonl')
  fs.writeFileSync(file, 'line\n')
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const MINUTE = 60_000
/** Writes `text` as the claim on `file`, last written `ageMs` ago. */
function leaveClaim(text: string, ageMs: number): void {
  fs.writeFileSync(claimPath(file), text)
  const then = new Date(Date.now() - ageMs)
  fs.utimesSync(claimPath(file), then, then)
}
const me = ownProcessIdentity()
/** A claim that PID 1 of a container left (same boot, a pid namespace not ours): its process cannot be checked from here. */
const otherNamespaceClaim = () => `1 deadbeefdeadbeef ${me.boot} 12345 pid:[4026500001]\n`
/** A claim of a running pid (our parent) that recorded no start time (no /proc where it ran). */
const noStartClaim = () => `${process.ppid} deadbeefdeadbeef ${me.boot} - ${me.ns}\n`

describe('claims whose owner cannot be checked from here', () => {
  it.skipIf(me.ns === undefined)('a claim of another pid namespace (a killed container) is taken over once it has not been refreshed for 10 minutes, with its temporary files', async () => {
    const temp = `${file}.gz.tmp-deadbeefdeadbeef-0`
    leaveClaim(otherNamespaceClaim(), 11 * MINUTE)
    fs.writeFileSync(temp, 'partial gzip')
    // The sweep removes the dead compressor's output once its claim is stale.
    await removeIfLeftover(dir, path.basename(temp), true)
    expect(fs.existsSync(temp)).toBe(false)
    const claim = await claimCompression(file)
    expect(claim).toBeDefined()
    expect(fs.readFileSync(claimPath(file), 'utf8')).toContain(` ${claim!.token} `)
    await claim!.release()
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl'])
  })

  it.skipIf(me.ns === undefined)('a claim of another pid namespace refreshed within 10 minutes is left to it, and so are its temporary files', async () => {
    const temp = `${file}.gz.tmp-deadbeefdeadbeef-0`
    for (const ageMs of [0, 9 * MINUTE]) {
      leaveClaim(otherNamespaceClaim(), ageMs)
      fs.writeFileSync(temp, 'partial gzip')
      await removeIfLeftover(dir, path.basename(temp), true)
      expect(fs.existsSync(temp)).toBe(true)
      expect(await claimCompression(file)).toBeUndefined()
      expect(fs.readFileSync(claimPath(file), 'utf8')).toBe(otherNamespaceClaim())
    }
  })

  it('a claim that recorded no start time, of a pid that runs, is taken over after 10 minutes, not before', async () => {
    leaveClaim(noStartClaim(), 2 * MINUTE)
    expect(await claimCompression(file)).toBeUndefined()
    leaveClaim(noStartClaim(), 11 * MINUTE)
    const claim = await claimCompression(file)
    expect(claim).toBeDefined()
    await claim!.release()
  })
})

describe('a held claim', () => {
  it('has its mtime refreshed until it is released', async () => {
    const claim = await claimCompression(file, { refreshMs: 20 })
    expect(claim).toBeDefined()
    const old = new Date(Date.now() - 30 * MINUTE)
    fs.utimesSync(claimPath(file), old, old)
    const deadline = Date.now() + 5000
    while (Date.now() - fs.statSync(claimPath(file)).mtimeMs > MINUTE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(Date.now() - fs.statSync(claimPath(file)).mtimeMs).toBeLessThan(MINUTE)
    await claim!.release()
    expect(fs.existsSync(claimPath(file))).toBe(false)
  })

  it('stops refreshing a claim that another process took over', async () => {
    const claim = await claimCompression(file, { refreshMs: 20 })
    expect(claim).toBeDefined()
    // Another process judged it stale (this one stalled) and holds it now.
    leaveClaim(otherNamespaceClaim(), 20 * MINUTE)
    await new Promise((r) => setTimeout(r, 200))
    expect(Date.now() - fs.statSync(claimPath(file)).mtimeMs).toBeGreaterThan(19 * MINUTE)
    await claim!.release()
    expect(fs.readFileSync(claimPath(file), 'utf8')).toBe(otherNamespaceClaim())
  })
})

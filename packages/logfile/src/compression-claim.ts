import { randomBytes } from 'node:crypto'
import fs from 'node:fs'

/** Whether process `pid` runs on this machine (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** `Kp.jsonl` -> `Kp.jsonl.gz.claim`: whose compression of the file runs (the compressor's pid). */
export const claimPath = (file: string) => `${file}.gz.claim`

/** A claim older than this is taken over even when its pid runs (a pid reused after a reboot). */
const CLAIM_MAX_AGE_MS = 24 * 3_600_000

/** The pid a claim names, or undefined when there is none (or it cannot be read). */
async function claimOwner(claim: string): Promise<{ pid: number; ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(claim, 'utf8'), fs.promises.stat(claim)])
    return { pid: Number(text.trim()), ageMs: Date.now() - stat.mtimeMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Claims the compression of `file` for this process, so that of several writers
 * rotating away from one shared file only one compresses it: a claim file holding
 * our pid, published whole with link() (never replacing another's). A claim whose
 * process is gone (killed mid-compression) is taken over. Returns the release
 * function, or undefined when another live process holds the claim.
 */
export async function claimCompression(file: string): Promise<(() => Promise<void>) | undefined> {
  const claim = claimPath(file)
  const temp = `${claim}.${process.pid}-${randomBytes(4).toString('hex')}`
  await fs.promises.writeFile(temp, `${process.pid}\n`, { flag: 'wx' })
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.promises.link(temp, claim)
        return () => fs.promises.rm(claim, { force: true })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const owner = await claimOwner(claim)
      if (owner !== undefined && pidAlive(owner.pid) && owner.ageMs < CLAIM_MAX_AGE_MS) return undefined
      await fs.promises.rm(claim, { force: true }) // stale: its compressor died
    }
    return undefined
  } finally {
    await fs.promises.rm(temp, { force: true })
  }
}

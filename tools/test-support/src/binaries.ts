import fs from 'node:fs'
import path from 'node:path'

/** Thrown when a server binary that a test needs is not installed. */
export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError'
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
  ) {
    super(
      `${binary} is not installed: this test needs a real server. ` +
        `Install the Debian package '${debianPackage}' (apt-get update && apt-get install -y ${debianPackage}), ` +
        `or run 'bash scripts/install-test-servers.sh' from the repository root.`,
    )
  }
}

/** The absolute path of `binary` on PATH, or a MissingBinaryError naming its Debian package. */
export function requireBinary(binary: string, debianPackage: string): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)
  for (const dir of [...dirs, '/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    const candidate = path.join(dir, binary)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return candidate
    } catch {
      // keep looking
    }
  }
  throw new MissingBinaryError(binary, debianPackage)
}

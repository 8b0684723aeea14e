import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const SCOPE = '@eht-influx-client/'

export interface Manifest {
  name: string
  version: string
  private?: boolean
  type?: string
  exports?: Record<string, unknown>
  files?: string[]
  sideEffects?: boolean
  engines?: Record<string, string>
  publishConfig?: Record<string, string>
  bin?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

export interface WorkspacePackage {
  /** Folder name under packages/, e.g. `writer`. */
  folder: string
  dir: string
  manifest: Manifest
}

/** The six published packages, in the order of DESIGN.md (dependencies point only up this list). */
export const PUBLISHED = ['timebin', 'config', 'logfile', 'writer', 'replay', 'cli'] as const

/** Who may import whom (DESIGN.md), and the external runtime dependencies each may have. */
export const ALLOWED: Record<string, { internal: string[]; external: string[] }> = {
  timebin: { internal: [], external: [] },
  config: { internal: [], external: ['ini', 'ajv'] },
  logfile: { internal: [], external: ['ajv'] },
  writer: { internal: ['config', 'logfile'], external: ['@influxdata/influxdb-client'] },
  replay: { internal: ['config', 'logfile', 'writer'], external: ['@influxdata/influxdb-client'] },
  cli: { internal: ['config', 'logfile', 'writer', 'replay', 'timebin'], external: ['commander', 'cli-progress'] },
}

export function readPackages(): WorkspacePackage[] {
  const base = path.join(repoRoot, 'packages')
  return fs
    .readdirSync(base)
    .filter((folder) => fs.existsSync(path.join(base, folder, 'package.json')))
    .map((folder) => ({
      folder,
      dir: path.join(base, folder),
      manifest: JSON.parse(fs.readFileSync(path.join(base, folder, 'package.json'), 'utf8')) as Manifest,
    }))
}

/** Every .ts file below `dir`, recursively, skipping node_modules and dist. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(full))
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) out.push(full)
  }
  return out
}

/** Module specifiers imported (statically or dynamically) by a source text. */
export function importedSpecifiers(text: string): string[] {
  const found = new Set<string>()
  // `from '...'` only in an import or export statement (no quote before it): not in a message such as `from "eht_test"`.
  const patterns = [/^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s+['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm]
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1] !== undefined) found.add(m[1])
  return [...found]
}

/** The package name a specifier refers to (`@scope/name/sub` -> `@scope/name`), or undefined for relative and node: imports. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Returns one cycle (as a list of names) in a dependency graph, or undefined. */
export function findCycle(graph: Record<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, 'visiting')
    stack.push(node)
    for (const next of graph[node] ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of Object.keys(graph)) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

import { describe, expect, it } from 'vitest'
import { isLoopbackUrl } from './loopback.js'

describe('isLoopbackUrl', () => {
  it('knows this host by name and address, and nothing else', () => {
    for (const url of ['http://127.0.0.1:8086', 'http://localhost:8428', 'https://LOCALHOST/', 'http://[::1]:8086', 'http://127.1.2.3'])
      expect(isLoopbackUrl(url), url).toBe(true)
    for (const url of ['http://10.0.0.5:8086', 'https://eht.example.org', 'http://127.0.0.1.example.org', 'http://[::2]:1', 'not a url'])
      expect(isLoopbackUrl(url), url).toBe(false)
  })
})

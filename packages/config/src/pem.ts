import { X509Certificate } from 'node:crypto'

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/**
 * Why `text` is no file of PEM CA certificates (what `ca_file` must be), or undefined when it is
 * one: at least one `-----BEGIN CERTIFICATE-----` ... `-----END CERTIFICATE-----` block, each a
 * certificate Node.js can read. Other blocks (a key) and text between blocks are allowed, as in
 * the PEM files openssl and distributions write.
 */
export function pemCertificateProblem(text: string): string | undefined {
  const blocks = [...text.matchAll(BLOCK)]
  if (blocks.length === 0) {
    return 'holds no PEM certificate (no -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block); ca_file must be the CA certificate(s) in PEM format (a DER .crt or .cer converts with `openssl x509 -inform der -in ca.crt -out ca.pem`)'
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block[0])
    } catch {
      const line = text.slice(0, block.index).split('\n').length
      return `holds a certificate block that cannot be read (certificate ${index + 1}, from line ${line}; cut short or altered when copied?)`
    }
  }
  return undefined
}

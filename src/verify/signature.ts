import { verify } from 'node:crypto';
import type { DigestFields } from './digest-file.js';
import type { PublicKeys } from './trust-inputs.js';

/** A signature to try on a digest, and where it came from, for the report. */
export interface SignatureCandidate {
  readonly hex: string;
  readonly source: string;
}

/** The outcome of checking a digest's RSA signature; `no-signature` and `no-key` are not failures. */
export type SignatureCheck =
  | { readonly status: 'valid'; readonly hex: string; readonly source: string }
  | { readonly status: 'invalid'; readonly detail: string }
  | { readonly status: 'unverifiable'; readonly reason: 'no-signature' | 'no-key'; readonly detail: string };

/** CLOUDTRAIL.md §4.4: what CloudTrail signs, UTF-8, no trailing newline. */
export function signingString(fields: DigestFields, sha256: string): string {
  const previousSignature = fields.previousDigestSignature ?? 'null';
  return `${fields.digestEndTime}\n${fields.digestS3Bucket}/${fields.digestS3Object}\n${sha256}\n${previousSignature}`;
}

/**
 * Tries every known signature. Where a signature came from does not matter to its validity: one that
 * verifies under the key was made by the key's holder over these exact bytes. CloudTrail's
 * SHA256withRSA is PKCS #1 v1.5, which is deterministic, so a genuine digest has exactly one.
 */
export function checkSignature(
  fields: DigestFields,
  sha256: string,
  candidates: readonly SignatureCandidate[],
  keys: PublicKeys,
): SignatureCheck {
  const fingerprint = fields.fingerprint.toLowerCase();
  if (candidates.length === 0) {
    return { status: 'unverifiable', reason: 'no-signature', detail: 'no signature known for it' };
  }
  const entry = keys.get(fingerprint);
  if (!entry) {
    const hint =
      keys.size === 0 ? 'no --public-keys given' : `no public key with fingerprint ${fingerprint} in --public-keys`;
    return { status: 'unverifiable', reason: 'no-key', detail: hint };
  }
  if ('error' in entry)
    return {
      status: 'unverifiable',
      reason: 'no-key',
      detail: `unable to load the public key with fingerprint ${fingerprint}: ${entry.error}`,
    };
  const message = Buffer.from(signingString(fields, sha256), 'utf8');
  for (const candidate of candidates) {
    if (verify('sha256', message, entry.key, Buffer.from(candidate.hex, 'hex')))
      return { status: 'valid', hex: candidate.hex, source: candidate.source };
  }
  const sources = candidates.map((candidate) => candidate.source).join('; ');
  return {
    status: 'invalid',
    detail: `signature verification failed with the key ${fingerprint} (signature from ${sources})`,
  };
}

/** Known signatures, each hex once, in the order given. */
export function uniqueCandidates(candidates: readonly SignatureCandidate[]): SignatureCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    const hex = candidate.hex.toLowerCase();
    if (seen.has(hex)) return false;
    seen.add(hex);
    return true;
  });
}

import { basename } from 'node:path';
import type { DigestFile } from './digest-file.js';
import { keyTail } from './s3-keys.js';
import { checkSignature, uniqueCandidates } from './signature.js';
import type { SignatureCandidate, SignatureCheck } from './signature.js';
import type { KnownSignatures, PublicKeys } from './trust-inputs.js';
import type { LinkVerdict } from './verdicts.js';

/** A digest's link to the one before it. */
export interface LinkCheck {
  readonly verdict: LinkVerdict;
  readonly detail: string;
  /** The digest it names as previous, when that file is in the archive. */
  readonly target: DigestFile | null;
}

/** Everything verification learned about one digest file. */
export interface DigestOutcome {
  readonly digest: DigestFile;
  readonly signature: SignatureCheck | null;
  readonly link: LinkCheck;
  /** How its content is known to be what CloudTrail wrote, or null when it is not. */
  readonly provenBy: string | null;
  readonly newestOfChain: boolean;
  readonly oldestOfChain: boolean;
}

/**
 * Checks every digest's signature and its link to its predecessor, then works out which contents are
 * proven: a verified signature proves a digest, and a proven digest's `previousDigestHashValue`
 * proves the bytes of the digest before it, so one signature at the head proves the whole chain.
 */
export function checkDigestChains(
  digests: readonly DigestFile[],
  signatures: KnownSignatures,
  keys: PublicKeys,
): DigestOutcome[] {
  const byTail = new Map<string, DigestFile>();
  for (const digest of digests) if (!byTail.has(digest.tail)) byTail.set(digest.tail, digest);
  const successors = successorsByTail(digests);
  const chains = groupByChain(digests);
  const checks = new Map(
    digests.map((digest) => [digest, signatureOf(digest, signatures, successors.get(digest.tail) ?? [], keys)]),
  );
  const links = new Map(
    digests.map((digest) => {
      const chain = chains.get(digest.chainId)!;
      const target = targetOf(digest, byTail);
      return [digest, checkLink(digest, target, target ? (checks.get(target) ?? null) : null, chain[0] === digest)];
    }),
  );
  const proofs = findProofs(digests, checks, links);
  return digests.map((digest) => {
    const chain = chains.get(digest.chainId)!;
    return {
      digest,
      signature: checks.get(digest) ?? null,
      link: links.get(digest)!,
      provenBy: proofs.get(digest) ?? null,
      newestOfChain: chain[chain.length - 1] === digest,
      oldestOfChain: chain[0] === digest,
    };
  });
}

/** Digests of each chain, oldest first by the time in their names (their content may be forged). */
export function groupByChain(digests: readonly DigestFile[]): Map<string, DigestFile[]> {
  const chains = new Map<string, DigestFile[]>();
  for (const digest of digests) appendTo(chains, digest.chainId, digest);
  for (const chain of chains.values()) chain.sort((a, b) => a.stampMs - b.stampMs || (a.path < b.path ? -1 : 1));
  return chains;
}

function successorsByTail(digests: readonly DigestFile[]): Map<string, DigestFile[]> {
  const successors = new Map<string, DigestFile[]>();
  for (const digest of digests) {
    const previous = digest.fields?.previousDigestS3Object;
    const tail = previous ? keyTail(previous) : null;
    if (tail) appendTo(successors, tail, digest);
  }
  return successors;
}

function appendTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function targetOf(digest: DigestFile, byTail: ReadonlyMap<string, DigestFile>): DigestFile | null {
  const previous = digest.fields?.previousDigestS3Object;
  const tail = previous ? keyTail(previous) : null;
  return tail ? (byTail.get(tail) ?? null) : null;
}

/**
 * Signatures to try: the one given for the file's key, the one given for the key its content names
 * (they differ when files were swapped), and what each successor repeats as previousDigestSignature.
 */
function signatureOf(
  digest: DigestFile,
  signatures: KnownSignatures,
  successors: readonly DigestFile[],
  keys: PublicKeys,
): SignatureCheck | null {
  if (!digest.fields || !digest.sha256) return null;
  const candidates: SignatureCandidate[] = [];
  const own = signatures.get(digest.tail);
  if (own) candidates.push(own);
  const named = keyTail(digest.fields.digestS3Object);
  const moved = named && named !== digest.tail ? signatures.get(named) : undefined;
  if (moved) candidates.push(moved);
  for (const successor of successors) {
    const hex = successor.fields?.previousDigestSignature;
    if (hex) candidates.push({ hex, source: `previousDigestSignature in ${basename(successor.path)}` });
  }
  return checkSignature(digest.fields, digest.sha256, uniqueCandidates(candidates), keys);
}

/** CLOUDTRAIL.md §4.6: the predecessor's bytes and signature must be the ones this digest names. */
export function checkLink(
  digest: DigestFile,
  target: DigestFile | null,
  targetSignature: SignatureCheck | null,
  oldestOfChain: boolean,
): LinkCheck {
  const fields = digest.fields;
  if (!fields) return { verdict: 'unverifiable', detail: 'the digest could not be read', target: null };
  const {
    previousDigestS3Object: previous,
    previousDigestHashValue: hash,
    previousDigestSignature: signature,
  } = fields;
  if (previous === null && hash === null && signature === null) {
    return {
      verdict: 'start',
      detail: 'first digest of its chain: CloudTrail started logging or log file validation here',
      target: null,
    };
  }
  if (previous === null || hash === null || signature === null) {
    return {
      verdict: 'broken',
      detail:
        'previousDigestS3Object, previousDigestHashValue and previousDigestSignature must all be set or all be null',
      target: null,
    };
  }
  if (!target) {
    if (oldestOfChain)
      return {
        verdict: 'archive-start',
        detail: `oldest digest of its chain in the archive; the one before it (${previous}) was not checked`,
        target: null,
      };
    return { verdict: 'missing', detail: `the previous digest ${previous} is not in the archive`, target: null };
  }
  return compareWithTarget(fields.previousDigestHashAlgorithm, hash, signature, target, targetSignature);
}

function compareWithTarget(
  algorithm: string | null,
  hash: string,
  signature: string,
  target: DigestFile,
  targetSignature: SignatureCheck | null,
): LinkCheck {
  const name = basename(target.path);
  if (algorithm !== 'SHA-256')
    return {
      verdict: 'broken',
      detail: `previousDigestHashAlgorithm is ${JSON.stringify(algorithm)}, not SHA-256`,
      target,
    };
  if (!target.sha256) return { verdict: 'broken', detail: `the previous digest ${name} cannot be read`, target };
  // One AWS sample has a 63-digit hash: a hex number printed without its leading zero (CLOUDTRAIL.md §4.6).
  const pinned = hash.toLowerCase().padStart(64, '0');
  if (pinned !== target.sha256)
    return {
      verdict: 'broken',
      detail: `pins SHA-256 ${pinned} for ${name}, whose content hashes to ${target.sha256}`,
      target,
    };
  if (targetSignature?.status === 'valid' && targetSignature.hex.toLowerCase() !== signature.toLowerCase()) {
    return {
      verdict: 'broken',
      detail: `names a previous signature other than the one that verifies ${name} (${targetSignature.source})`,
      target,
    };
  }
  const note = hash.length === 63 ? '; the pinned hash lacks its leading zero' : '';
  return { verdict: 'valid', detail: `SHA-256 and signature of ${name} match${note}`, target };
}

/**
 * Spreads proof from signed digests to the digests they pin, newest to oldest. A work list, not
 * recursion: a year of hourly digests is a chain 8,760 links long.
 */
function findProofs(
  digests: readonly DigestFile[],
  checks: ReadonlyMap<DigestFile, SignatureCheck | null>,
  links: ReadonlyMap<DigestFile, LinkCheck>,
): Map<DigestFile, string> {
  const proofs = new Map<DigestFile, string>();
  const work: DigestFile[] = [];
  for (const digest of digests) {
    const check = checks.get(digest);
    if (check?.status !== 'valid') continue;
    proofs.set(digest, `signature verified (${check.source})`);
    work.push(digest);
  }
  for (let proven = work.pop(); proven !== undefined; proven = work.pop()) {
    const link = links.get(proven)!;
    if (link.verdict !== 'valid' || !link.target || proofs.has(link.target)) continue;
    proofs.set(link.target, `pinned by the SHA-256 in ${basename(proven.path)}, which is proven`);
    work.push(link.target);
  }
  return proofs;
}

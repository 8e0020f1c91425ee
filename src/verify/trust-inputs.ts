import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ExitCode, UserError, messageOf } from '../errors.js';
import { keyTail } from './s3-keys.js';

/** A public key by fingerprint, or why the listed key could not be loaded. */
export type PublicKeyEntry = { readonly key: KeyObject } | { readonly error: string };

/** Fingerprint (lower-case hex) → key, from one or more `aws cloudtrail list-public-keys` outputs. */
export type PublicKeys = ReadonlyMap<string, PublicKeyEntry>;

/** Digest key tail → hex signature, as S3 metadata `x-amz-meta-signature` held it. */
export type KnownSignatures = ReadonlyMap<string, { readonly hex: string; readonly source: string }>;

const KEYS_HELP =
  'save them with: aws cloudtrail list-public-keys --start-time T1 --end-time T2 --region R > keys.json';

/** Reads `{"PublicKeyList": [{Value, Fingerprint, …}]}` files; a file that is not one stops the run. */
export function loadPublicKeys(files: readonly string[]): PublicKeys {
  const keys = new Map<string, PublicKeyEntry>();
  for (const file of files) {
    const json = readJson(file, '--public-keys', KEYS_HELP);
    const list = Array.isArray(json) ? json : (json as { PublicKeyList?: unknown } | null)?.PublicKeyList;
    if (!Array.isArray(list)) throw badInput(file, '--public-keys', 'no PublicKeyList array in it', KEYS_HELP);
    for (const item of list) {
      const value = (item as { Value?: unknown } | null)?.Value;
      if (typeof value !== 'string') continue;
      const der = Buffer.from(value, 'base64');
      const listed = (item as { Fingerprint?: unknown }).Fingerprint;
      const fingerprint =
        typeof listed === 'string' ? listed.toLowerCase() : createHash('md5').update(der).digest('hex');
      keys.set(fingerprint, loadKey(der));
    }
  }
  return keys;
}

/** AWS lists PKCS #1 keys; one AWS sample has SPKI (`MIIBIjAN…`): both are accepted. */
function loadKey(der: Buffer): PublicKeyEntry {
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      return { key: createPublicKey({ key: der, format: 'der', type }) };
    } catch {
      // tried as the other encoding next; the error below says neither worked
    }
  }
  return { error: 'the listed key is neither a PKCS #1 nor an SPKI RSA public key' };
}

/** Signatures from `--signatures FILE` (a JSON object key → hex) and `--signature KEY=HEX` flags, flags last. */
export function loadSignatures(file: string | undefined, pairs: readonly string[]): KnownSignatures {
  const signatures = new Map<string, { hex: string; source: string }>();
  if (file !== undefined) {
    const json = readJson(file, '--signatures', 'give a JSON object mapping digest keys to hex signatures');
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw badInput(file, '--signatures', 'not a JSON object', 'map each digest key to its hex signature');
    for (const [key, hex] of Object.entries(json)) {
      if (typeof hex !== 'string' || !isHex(hex))
        throw badInput(
          file,
          '--signatures',
          `the signature of ${key} is not hex`,
          'copy x-amz-meta-signature as printed by aws s3api head-object',
        );
      signatures.set(keyTail(key) ?? key, { hex, source: '--signatures' });
    }
  }
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const key = pair.slice(0, at);
    const hex = pair.slice(at + 1);
    if (at <= 0 || !isHex(hex)) {
      throw new UserError({
        what: 'bad --signature value',
        reason: `expected DIGEST_KEY=HEX, got ${JSON.stringify(pair)}`,
        help: 'HEX is x-amz-meta-signature from: aws s3api head-object --bucket B --key DIGEST_KEY',
        exitCode: ExitCode.usage,
      });
    }
    signatures.set(keyTail(key) ?? key, { hex, source: '--signature' });
  }
  return signatures;
}

function isHex(text: string): boolean {
  return text.length > 0 && text.length % 2 === 0 && /^[0-9a-f]+$/i.test(text);
}

function readJson(file: string, flag: string, help: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw badInput(file, flag, messageOf(error), help);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badInput(file, flag, 'not JSON', help);
  }
}

function badInput(file: string, flag: string, reason: string, help: string): UserError {
  return new UserError({ what: `cannot use ${flag} ${file}`, reason: reason, help: help });
}

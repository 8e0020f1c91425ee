import { createHash } from 'node:crypto';
import { textField } from './identity.js';

/** The fields of a CloudTrail digest file that link it into its chain (CLOUDTRAIL.md §4). */
export interface DigestInfo {
  readonly accountId: string | null;
  readonly digestStartTime: string | null;
  readonly digestEndTime: string | null;
  readonly digestS3Bucket: string | null;
  readonly digestS3Object: string | null;
  readonly region: string | null;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHash: string | null;
  readonly previousDigestSignature: string | null;
  readonly publicKeyFingerprint: string | null;
  readonly logFileCount: number;
  /** sha256 of the digest's bytes as read, which its successor pins. */
  readonly contentSha256: string;
  readonly body: string;
}

/** `…/CloudTrail-Digest/<region>/YYYY/…`: the digest's own region is in its key, not its body. */
const REGION_IN_KEY = /CloudTrail-Digest\/([^/]+)\//;

export function toDigestInfo(digest: Record<string, unknown>, text: string): DigestInfo {
  const digestS3Object = textField(digest, 'digestS3Object');
  const logFiles = digest['logFiles'];
  return {
    accountId: textField(digest, 'awsAccountId'),
    digestStartTime: textField(digest, 'digestStartTime'),
    digestEndTime: textField(digest, 'digestEndTime'),
    digestS3Bucket: textField(digest, 'digestS3Bucket'),
    digestS3Object,
    region: digestS3Object === null ? null : (REGION_IN_KEY.exec(digestS3Object)?.[1] ?? null),
    previousDigestS3Object: textField(digest, 'previousDigestS3Object'),
    previousDigestHash: textField(digest, 'previousDigestHashValue'),
    previousDigestSignature: textField(digest, 'previousDigestSignature'),
    publicKeyFingerprint: textField(digest, 'digestPublicKeyFingerprint'),
    logFileCount: Array.isArray(logFiles) ? logFiles.length : 0,
    contentSha256: createHash('sha256').update(text).digest('hex'),
    body: text,
  };
}

import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** A log file as its digest lists it. */
export interface DeliveredLog {
  readonly s3Object: string;
  readonly hashValue: string;
  readonly newestEventTime: string;
  readonly oldestEventTime: string;
}

export interface DigestChainOptions {
  readonly bucket: string;
  readonly accountId: string;
  readonly keyPrefix: string;
  readonly region: string;
  readonly trail: string;
  readonly homeRegion: string;
}

export interface WrittenDigest {
  readonly s3Object: string;
  readonly bytes: Buffer;
  readonly signature: string;
}

/** The signing key and its public half in the shape `aws cloudtrail list-public-keys` prints. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly fingerprint: string;
  readonly publicKeyList: unknown;
}

export function loadSigningKey(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'pkcs1' });
  const fingerprint = createHash('md5').update(der).digest('hex');
  return {
    privateKey,
    fingerprint,
    publicKeyList: {
      PublicKeyList: [
        {
          Value: der.toString('base64'),
          ValidityStartTime: '2026-01-01T00:00:00+00:00',
          ValidityEndTime: '2027-01-01T00:00:00+00:00',
          Fingerprint: fingerprint,
        },
      ],
    },
  };
}

const sha256hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes one region's hourly digests, each chained to the one before and signed as CloudTrail does
 * (CLOUDTRAIL.md §4): SHA256withRSA over end time, bucket/key, the digest's own hash and the
 * previous signature.
 */
export class DigestChain {
  private previous: WrittenDigest | null = null;

  constructor(
    private readonly options: DigestChainOptions,
    private readonly key: SigningKey,
  ) {}

  next(startTime: string, endTime: string, logs: readonly DeliveredLog[]): WrittenDigest {
    const s3Object = this.keyFor(endTime);
    const times = logs.flatMap((log) => [log.newestEventTime, log.oldestEventTime]).sort();
    const previous = this.previous;
    const body = {
      awsAccountId: this.options.accountId,
      digestStartTime: startTime,
      digestEndTime: endTime,
      digestS3Bucket: this.options.bucket,
      digestS3Object: s3Object,
      digestPublicKeyFingerprint: this.key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: times.length ? times[times.length - 1] : null,
      oldestEventTime: times.length ? times[0] : null,
      previousDigestS3Bucket: previous ? this.options.bucket : null,
      previousDigestS3Object: previous?.s3Object ?? null,
      previousDigestHashValue: previous ? sha256hex(previous.bytes) : null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: logs.map((log) => ({
        s3Bucket: this.options.bucket,
        s3Object: log.s3Object,
        hashValue: log.hashValue,
        hashAlgorithm: 'SHA-256',
        newestEventTime: log.newestEventTime,
        oldestEventTime: log.oldestEventTime,
      })),
    };
    // AWS writes `\/` in keys; the hash and signature cover the exact bytes written.
    const bytes = Buffer.from(JSON.stringify(body).replace(/\//g, '\\/'));
    const previousSignature = previous?.signature ?? 'null';
    const message = `${endTime}\n${this.options.bucket}/${s3Object}\n${sha256hex(bytes)}\n${previousSignature}`;
    const signature = sign('sha256', Buffer.from(message), this.key.privateKey).toString('hex');
    this.previous = { s3Object, bytes, signature };
    return this.previous;
  }

  private keyFor(endTime: string): string {
    const { accountId, keyPrefix, region, trail, homeRegion } = this.options;
    const [date] = endTime.split('T');
    const stamp = endTime.replace(/[-:]/g, '');
    const folder = `${keyPrefix}/CloudTrail-Digest/${region}/${date!.replace(/-/g, '/')}`;
    return `${folder}/${accountId}_CloudTrail-Digest_${region}_${trail}_${homeRegion}_${stamp}.json.gz`;
  }
}

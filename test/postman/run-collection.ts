import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';

const COLLECTION = join(__dirname, '..', '..', 'postman', 'serverless-shop.postman_collection.json');

/**
 * The Postman collection, run by newman against a target: its API and issuer, and the local cloud's
 * chaos API for folder 8 (a participant down; empty for a deployment, where that folder checks nothing).
 */
export const runCollection = (target: { api: string; issuer: string; chaosUrl: string }): Promise<NewmanRunSummary> =>
  new Promise((resolve, reject) => {
    newman.run(
      {
        collection: COLLECTION,
        envVar: [
          { key: 'baseUrl', value: target.api.replace(/\/$/, '') },
          { key: 'issuerUrl', value: target.issuer.replace(/\/$/, '') },
          { key: 'chaosUrl', value: target.chaosUrl },
        ],
        reporters: [],
        timeoutRequest: 30_000,
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });

/** Each failure of a run: `request: assertion`, then the error. */
export const collectionFailures = (summary: NewmanRunSummary): string[] =>
  summary.run.failures.map((f) => `${assertionOf(f)}: ${f.error.name} ${f.error.message}`);

/** A failure's request and assertion (`Cancelled: PAYMENT_DECLINED: nothing was refunded`), how the known gaps name it. */
export const assertionOf = (failure: NewmanRunSummary['run']['failures'][number]): string =>
  `${failure.source?.name ?? '?'}: ${(failure.error as { test?: string }).test ?? failure.error.name}`;

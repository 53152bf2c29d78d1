/**
 * The Express app: two webhook routes (GitHub, Stripe) through the @iap/webhooks Express adapter,
 * each with dedup by delivery id, registered BEFORE `express.json()`, which the rest of the app
 * uses; and one mis-wired route that parses JSON first, to show the error the adapter raises.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  createExpressWebhookHandler,
  createWebhookDeduplicator,
  createWebhookVerifier,
  github,
  isWebhookBodyParsedError,
  stripe,
  type VerifiedWebhook,
} from '@iap/webhooks';

export const GITHUB_SECRET = 'example-github-secret';
export const STRIPE_SECRET = 'whsec_example_stripe_secret';

/** Creates the app; `handled` receives one line per event that reached a handler. */
export function createApp(handled: string[]): express.Express {
  const app = express();
  const onEvent = (event: VerifiedWebhook) => {
    handled.push(`${event.provider}:${event.id ?? '?'}`);
    console.log(`   handler: ${event.provider} ${event.type ?? '?'} (delivery ${event.id ?? '?'}, replay-protected ${String(event.replayProtected)})`);
  };

  app.post('/webhooks/github', createExpressWebhookHandler({ verifier: createWebhookVerifier({ provider: github(), secrets: [GITHUB_SECRET] }), deduplicator: createWebhookDeduplicator(), onEvent }));
  app.post('/webhooks/stripe', createExpressWebhookHandler({ verifier: createWebhookVerifier({ provider: stripe(), secrets: [STRIPE_SECRET] }), deduplicator: createWebhookDeduplicator(), onEvent }));
  // Wrong: express.json() consumed the signed bytes; the adapter refuses to re-serialise the object.
  app.post('/webhooks/misconfigured', express.json(), createExpressWebhookHandler({ verifier: createWebhookVerifier({ provider: github(), secrets: [GITHUB_SECRET] }), onEvent }));

  app.use(express.json()); // the rest of the app parses JSON as usual
  app.get('/health', (_request, response) => {
    response.json({ ok: true });
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const code = isWebhookBodyParsedError(error) ? error.code : 'INTERNAL';
    response.status(500).json({ error: code });
  });
  return app;
}

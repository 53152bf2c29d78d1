/** One entry per built-in provider: how to sign and verify a test delivery with it. */
import type { WebhookProvider } from '../webhook-provider.js';
import { discord } from '../providers/discord.js';
import { genericHmac } from '../providers/generic-hmac.js';
import { github } from '../providers/github.js';
import { gitlab } from '../providers/gitlab.js';
import { hubspot } from '../providers/hubspot.js';
import { intercom } from '../providers/intercom.js';
import { linear } from '../providers/linear.js';
import { mailgun } from '../providers/mailgun.js';
import { pagerDuty } from '../providers/pagerduty.js';
import { paddle } from '../providers/paddle.js';
import { sendGrid } from '../providers/sendgrid.js';
import { shopify } from '../providers/shopify.js';
import { slack } from '../providers/slack.js';
import { square } from '../providers/square.js';
import { standardWebhooks } from '../providers/standard-webhooks.js';
import { stripe } from '../providers/stripe.js';
import { svix } from '../providers/svix.js';
import { twilio } from '../providers/twilio.js';
import { twitch } from '../providers/twitch.js';
import { zoom } from '../providers/zoom.js';
import { ecdsaKeys, ed25519Keys } from './keys.js';

export interface ProviderCase {
  readonly name: string;
  readonly provider: () => WebhookProvider;
  /** Verification secrets: the matching one and one that does not match. */
  readonly verifySecret: string;
  readonly otherSecret: string;
  readonly signSecret: string;
  readonly weak: boolean;
  /** Whether the signature covers the body (GitLab tokens and Mailgun do not). */
  readonly bodySigned: boolean;
  /** Builds a body for `payload` sent at `nowMs`, as the provider would send it. */
  readonly body: (payload: string, nowMs: number) => string;
  readonly contentType: string;
  readonly url?: string;
  /** Whether the provider signs a timestamp (replay protection). */
  readonly timestamped: boolean;
}

const json = (payload: string, _nowMs: number): string => JSON.stringify({ id: 'evt_1', type: 'test.event', data: payload });
const OTHER_WHSEC = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function hmacCase(name: string, provider: () => WebhookProvider, extra: Partial<ProviderCase> = {}): ProviderCase {
  return {
    name,
    provider,
    verifySecret: 'test-secret-' + name,
    otherSecret: 'other-secret-' + name,
    signSecret: 'test-secret-' + name,
    weak: false,
    bodySigned: true,
    body: json,
    contentType: 'application/json',
    timestamped: false,
    ...extra,
  };
}

export const providerCases: readonly ProviderCase[] = [
  hmacCase('github', github),
  hmacCase('stripe', stripe, { timestamped: true }),
  hmacCase('standard-webhooks', standardWebhooks, { verifySecret: WHSEC, otherSecret: OTHER_WHSEC, signSecret: WHSEC, timestamped: true }),
  hmacCase('standard-webhooks-ed25519', standardWebhooks, { verifySecret: ed25519Keys.whpk, otherSecret: OTHER_WHSEC, signSecret: ed25519Keys.whsk, timestamped: true }),
  hmacCase('svix', svix, { verifySecret: WHSEC, otherSecret: OTHER_WHSEC, signSecret: WHSEC, timestamped: true }),
  hmacCase('slack', slack, { timestamped: true }),
  hmacCase('shopify', shopify),
  hmacCase('hubspot', hubspot, { url: 'https://example.com/hooks/hubspot?portal=1', timestamped: true }),
  hmacCase('twilio', twilio, { url: 'https://example.com/twilio/sms', contentType: 'application/x-www-form-urlencoded', body: (payload) => new URLSearchParams({ Body: payload, From: '+15550001111', MessageSid: 'SM1' }).toString() }),
  hmacCase('square', () => square({ notificationUrl: 'https://example.com/hooks/square' })),
  hmacCase('zoom', zoom, { timestamped: true }),
  hmacCase('pagerduty', pagerDuty),
  hmacCase('twitch', twitch, { timestamped: true }),
  hmacCase('linear', linear, { timestamped: true, body: (payload, nowMs) => JSON.stringify({ action: 'create', data: payload, webhookTimestamp: nowMs }) }),
  hmacCase('paddle', paddle, { timestamped: true }),
  hmacCase('intercom', intercom),
  hmacCase('sendgrid', sendGrid, { verifySecret: ecdsaKeys.publicBase64, otherSecret: ecdsaKeys.otherPublicBase64, signSecret: ecdsaKeys.privateBase64, timestamped: true }),
  hmacCase('discord', discord, { verifySecret: ed25519Keys.publicHex, otherSecret: ed25519Keys.otherPublicHex, signSecret: ed25519Keys.seedHex, timestamped: true }),
  hmacCase('gitlab', gitlab, { weak: true, bodySigned: false }),
  hmacCase('mailgun', mailgun, { weak: true, bodySigned: false, timestamped: true }),
  hmacCase('generic-hmac', () =>
    genericHmac({ name: 'erp', header: 'X-ERP-Signature', encoding: 'base64', prefix: 'sha512=', algorithm: 'sha512', signedContent: '{id}:{timestamp}:{body}', timestamp: { header: 'X-ERP-Timestamp', unit: 'milliseconds' }, idHeader: 'X-ERP-Delivery' }),
    { timestamped: true },
  ),
];

// requests.ts - a client generated from openapi.yaml (openapi-typescript) must not compile a
// request the server always refuses. tests/contract/typecheck.sh generates the types into
// 'advisord-openapi' and type-checks this file with tsc:
//   (a) the requests at the top are valid: they must compile;
//   (b) each line after `// @ts-expect-error <operationId>: <what is missing>` leaves out a
//       required member, header or body: it must NOT compile, so tsc fails (unused directive)
//       as soon as the spec stops requiring it. coverage.mjs checks that every required member
//       and header of the spec has such a case.
import type { operations } from 'advisord-openapi';

type Op = operations;
type JsonBody<K extends keyof Op> = Op[K] extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : Op[K] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? { body?: B }
    : { body?: never };
/** What a client passes for operation K: its parameters (path, query, header) and its body. */
export type RequestOf<K extends keyof Op> = Op[K]['parameters'] & JsonBody<K>;

/** The one call of a generated client: only its types matter here (nothing is sent). */
declare function send<K extends keyof Op>(operation: K, request: RequestOf<K>): void;

const id = '7f0c7f4e-2c1a-4c55-9a47-0d9b1d5c2f10';
const task_id = 'b0d8a2a4-9c3e-4a62-8f51-3e7c1a2b4c5d';
const token = 'k3J9xV2bQ8tY4mN7pL1sR6wE0zA5cH2dF9gU3iO8jK4';
const etag = '"3"';
const subscription = {
  variant: 'smart',
  invoice_recipient: 'customer',
  agreement_period_months: 12,
  starts_on: '2026-05-31',
  renews_on: '2027-05-31',
} as const;
const administrator = { name: 'Anna Andersson', email: 'anna@kund.se', phone: '+46 70 123 45 67' };

// ---- (a) valid requests: these must compile ----
send('previewVariantChange', { body: { from: 'start', to: 'pro' } });
send('createCustomer', { body: { corporate_id: '556036-0793', name: 'Kund AB', email: 'ekonomi@kund.se' } });
send('createCustomer', { body: { corporate_id: '556036-0793', name: 'Kund (vår)', email: 'ekonomi@kund.se', company_name: 'Kund AB' } });
send('updateCustomer', { path: { id }, header: { 'If-Match': etag }, body: { notes: null } });
send('deleteCustomer', { path: { id } });
send('createTask', { path: { id }, body: { name: 'Löpande bokföring 2027' } });
send('updateTask', { path: { id }, header: { 'If-Match': etag }, body: { status: 'closed' } });
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'account' } });
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'none', subscription: null } });
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'subscriber', subscription } });
send('updateCompany', { path: { corporate_id: '556036-0793' }, header: { 'If-Match': '*' }, body: { name: 'Kund AB' } });
send('createCollaboration', { path: { id }, body: { task_id } });
send('createCollaboration', {
  path: { id },
  header: { 'Idempotency-Key': '"first"' },
  body: { task_id, variant: 'smart', invoice_recipient: 'office', agreement_period_months: 3, administrator, language: 'en' },
});
send('updateCollaboration', { path: { id }, header: { 'If-Match': etag }, body: { task_id } });
send('updateCollaboration', { path: { id }, header: { 'If-Match': etag }, body: { variant: 'pro', agreement_period_months: 12 } });
send('updateCollaboration', { path: { id }, header: { 'If-Match': etag }, body: { administrator: { name: 'Rut Rätt', email: 'rut@kund.se', phone: '+46 70 555 12 34' } } });
send('approveCollaboration', { path: { id } });
send('declineCollaboration', { path: { id }, body: { reason: 'Inte nu' } });
send('withdrawCollaboration', { path: { id }, header: { 'If-Match': etag } });
send('acceptCollaboration', { path: { id }, body: { corporate_id: '556036-0793', email: 'info@byra.se', terms_version: '2026-11' } });
send('activateCollaboration', { path: { id }, body: { task_id } });
send('endCollaboration', { path: { id }, body: { keep_service: true } });
send('decideCollaborationService', { path: { id }, body: { keep_service: false } });
send('requestCollaborationRenewal', { path: { id } });
send('changeCollaborationVariant', { path: { id }, body: { variant: 'start', confirm_company_reset: true } });
send('createOfficeInvitation', { body: { office_corporate_id: '556036-0793' } });
send('approveInvitation', { path: { token } });
send('acceptInvitation', { path: { token }, body: { corporate_id: '556036-0793', email: 'info@byra.se', terms_version: '2026-11' } });
send('retryOutboxMessage', { path: { id } });
send('requestSignInLink', { body: { email: 'info@byra.se' } });
send('requestSignInLink', { body: { email: 'info@byra.se', language: 'en' } });
send('createSession', { body: { token } });
send('deleteSession', { path: { id } });
send('inviteUser', { body: { email: 'ny@byra.se', role: 'limited' } });
send('inviteUser', { header: { 'Idempotency-Key': '"u1"' }, body: { email: 'ny@byra.se', role: 'full', name: 'Ny Person' } });
send('updateUser', { path: { id }, body: { role: 'full' } });
send('updateUser', { path: { id }, body: { name: 'Ny Person' } });
send('removeUser', { path: { id } });
send('createToken', { body: { name: 'Lönesystemet' } });
send('createToken', { body: { name: 'Kvartal', expires_at: '2099-03-31T23:59:59Z' } });
send('revokeToken', { path: { id } });
send('createWebhook', { body: { url: 'https://example.com/hooks', events: ['*'] } });
send('createWebhook', {
  body: { url: 'https://example.com/hooks', events: ['collaboration.approved'], description: 'Praktik' },
});
send('patchWebhook', { path: { id }, body: { enabled: false } });
send('rotateWebhookSecret', { path: { id } });
send('pingWebhook', { path: { id } });
send('redeliverWebhookDelivery', { path: { id, delivery_id: id } });

send('createCollaborationBatch', {
  query: { dry_run: true },
  body: [{ corporate_id: '556036-0793', name: 'Kund AB', email: 'ekonomi@kund.se', task: 'Löpande bokföring 2027', variant: 'smart', invoice_recipient: 'customer', agreement_period_months: 12 }],
});
send('getCollaborationBatch', { path: { id }, query: { format: 'csv' } });

// ---- (b) requests the server always refuses: none of these may compile ----
// @ts-expect-error createCollaborationBatch: (no body)
send('createCollaborationBatch', {});
// @ts-expect-error previewVariantChange: to
send('previewVariantChange', { body: { from: 'start' } });
// @ts-expect-error previewVariantChange: from
send('previewVariantChange', { body: { to: 'pro' } });
// @ts-expect-error previewVariantChange: (no body)
send('previewVariantChange', {});

// @ts-expect-error createCustomer: corporate_id
send('createCustomer', { body: { name: 'Kund AB', email: 'ekonomi@kund.se' } });
// @ts-expect-error createCustomer: name
send('createCustomer', { body: { corporate_id: '556036-0793', email: 'ekonomi@kund.se' } });
// @ts-expect-error createCustomer: email
send('createCustomer', { body: { corporate_id: '556036-0793', name: 'Kund AB' } });
// @ts-expect-error createCustomer: (no body)
send('createCustomer', {});

// @ts-expect-error updateCustomer: If-Match
send('updateCustomer', { path: { id }, body: { name: 'Kund AB' } });
// @ts-expect-error updateCustomer: (empty body)
send('updateCustomer', { path: { id }, header: { 'If-Match': etag }, body: {} });
// @ts-expect-error updateCustomer: (no body)
send('updateCustomer', { path: { id }, header: { 'If-Match': etag } });

// @ts-expect-error createTask: name
send('createTask', { path: { id }, body: { status: 'open' } });
// @ts-expect-error createTask: (no body)
send('createTask', { path: { id } });
// @ts-expect-error createTask: an unknown member
send('createTask', { path: { id }, body: { name: 'Bokslut', colour: 'red' } });

// @ts-expect-error updateTask: If-Match
send('updateTask', { path: { id }, body: { status: 'closed' } });
// @ts-expect-error updateTask: (empty body)
send('updateTask', { path: { id }, header: { 'If-Match': etag }, body: {} });
// @ts-expect-error updateTask: (no body)
send('updateTask', { path: { id }, header: { 'If-Match': etag } });

// @ts-expect-error createCompany: corporate_id
send('createCompany', { body: { name: 'Kund AB', relation: 'account' } });
// @ts-expect-error createCompany: name
send('createCompany', { body: { corporate_id: '556036-0793', relation: 'account' } });
// @ts-expect-error createCompany: relation
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB' } });
// @ts-expect-error createCompany: subscription (a subscriber comes with its subscription)
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'subscriber' } });
// @ts-expect-error createCompany: a subscription for a company that is no subscriber
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'account', subscription } });
// @ts-expect-error createCompany: subscription.renews_on
send('createCompany', { body: { corporate_id: '556036-0793', name: 'Kund AB', relation: 'subscriber', subscription: { variant: 'pro', invoice_recipient: 'office', agreement_period_months: 3, starts_on: '2027-02-28' } } });
// @ts-expect-error createCompany: (no body)
send('createCompany', {});

// @ts-expect-error updateCompany: If-Match
send('updateCompany', { path: { corporate_id: '556036-0793' }, body: { name: 'Kund AB' } });
// @ts-expect-error updateCompany: (empty body)
send('updateCompany', { path: { corporate_id: '556036-0793' }, header: { 'If-Match': etag }, body: {} });
// @ts-expect-error updateCompany: (no body)
send('updateCompany', { path: { corporate_id: '556036-0793' }, header: { 'If-Match': etag } });

// @ts-expect-error createCollaboration: task_id
send('createCollaboration', { path: { id }, body: { variant: 'smart', invoice_recipient: 'office', agreement_period_months: 12 } });
// @ts-expect-error createCollaboration: administrator.phone
send('createCollaboration', { path: { id }, body: { task_id, administrator: { name: 'Anna Andersson', email: 'anna@kund.se' } } });
// @ts-expect-error createCollaboration: (no body)
send('createCollaboration', { path: { id } });

// @ts-expect-error updateCollaboration: If-Match
send('updateCollaboration', { path: { id }, body: { task_id } });
// @ts-expect-error updateCollaboration: (empty body)
send('updateCollaboration', { path: { id }, header: { 'If-Match': etag }, body: {} });
// @ts-expect-error updateCollaboration: (no body)
send('updateCollaboration', { path: { id }, header: { 'If-Match': etag } });

// @ts-expect-error acceptCollaboration: corporate_id
send('acceptCollaboration', { path: { id }, body: { email: 'info@byra.se', terms_version: '2026-11' } });
// @ts-expect-error acceptCollaboration: email
send('acceptCollaboration', { path: { id }, body: { corporate_id: '556036-0793', terms_version: '2026-11' } });
// @ts-expect-error acceptCollaboration: terms_version
send('acceptCollaboration', { path: { id }, body: { corporate_id: '556036-0793', email: 'info@byra.se' } });
// @ts-expect-error acceptCollaboration: (no body)
send('acceptCollaboration', { path: { id } });

// @ts-expect-error activateCollaboration: task_id
send('activateCollaboration', { path: { id }, body: {} });
// @ts-expect-error activateCollaboration: (no body)
send('activateCollaboration', { path: { id } });

// @ts-expect-error decideCollaborationService: keep_service
send('decideCollaborationService', { path: { id }, body: { reason: 'Vi fortsätter själva' } });
// @ts-expect-error decideCollaborationService: (no body)
send('decideCollaborationService', { path: { id } });

// @ts-expect-error changeCollaborationVariant: variant
send('changeCollaborationVariant', { path: { id }, body: { confirm_company_reset: true } });
// @ts-expect-error changeCollaborationVariant: (no body)
send('changeCollaborationVariant', { path: { id } });

// @ts-expect-error createOfficeInvitation: office_corporate_id
send('createOfficeInvitation', { body: { variant: 'smart' } });
// @ts-expect-error createOfficeInvitation: (no body)
send('createOfficeInvitation', {});

// @ts-expect-error acceptInvitation: corporate_id
send('acceptInvitation', { path: { token }, body: { email: 'info@byra.se', terms_version: '2026-11' } });
// @ts-expect-error acceptInvitation: email
send('acceptInvitation', { path: { token }, body: { corporate_id: '556036-0793', terms_version: '2026-11' } });
// @ts-expect-error acceptInvitation: terms_version
send('acceptInvitation', { path: { token }, body: { corporate_id: '556036-0793', email: 'info@byra.se' } });
// @ts-expect-error acceptInvitation: (no body)
send('acceptInvitation', { path: { token } });

// @ts-expect-error requestSignInLink: email
send('requestSignInLink', { body: { language: 'sv' } });
// @ts-expect-error requestSignInLink: (no body)
send('requestSignInLink', {});

// @ts-expect-error createSession: token
send('createSession', { body: {} });
// @ts-expect-error createSession: (no body)
send('createSession', {});

// @ts-expect-error inviteUser: email
send('inviteUser', { body: { role: 'limited' } });
// @ts-expect-error inviteUser: role
send('inviteUser', { body: { email: 'ny@byra.se' } });
// @ts-expect-error inviteUser: (no body)
send('inviteUser', {});

// @ts-expect-error updateUser: (empty body)
send('updateUser', { path: { id }, body: {} });
// @ts-expect-error updateUser: (no body)
send('updateUser', { path: { id } });

// @ts-expect-error createToken: name
send('createToken', { body: { expires_at: '2099-03-31T23:59:59Z' } });
// @ts-expect-error createToken: (no body)
send('createToken', {});

// @ts-expect-error createWebhook: url
send('createWebhook', { body: { events: ['*'] } });
// @ts-expect-error createWebhook: events
send('createWebhook', { body: { url: 'https://example.com/hooks' } });
// @ts-expect-error createWebhook: (no body)
send('createWebhook', {});
// @ts-expect-error patchWebhook: (no body)
send('patchWebhook', { path: { id } });

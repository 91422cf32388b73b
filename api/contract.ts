// The API's own shapes (queries, action bodies, responses), in zod: the same schemas validate requests,
// generate the OpenAPI document (api/openapi.ts) and check responses in the contract tests.
import { z } from 'zod';
import { FolioStatus } from '../domain/model';
import { CountryCode, HotelConfig, IsoDate } from '../domain/schemas';
import { FOLIO_EVENT_TYPES } from '../domain/events';

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.object({ field: z.string(), problem: z.string() })) }),
});

export const FolioIdParams = z.object({ id: z.string().min(1).max(64) });
export const HotelIdParams = z.object({ hotelId: z.string().min(1).max(64) });

const Attempts = z.object({ calls: z.number(), emails: z.number(), reminders: z.number(), callbacks: z.number() });
const DocumentView = z.object({ documentId: z.string(), sha256: z.string(), contentType: z.string(), size: z.number(), filename: z.string().optional(), source: z.enum(['email', 'upload']) });

export const FolioView = z.object({
  folioId: z.string(),
  clientId: z.string(),
  clientReference: z.string(),
  workflowId: z.string(),
  hotelId: z.string(),
  status: z.enum(FolioStatus),
  checkOut: z.string(),
  nextAction: z.string().nullable(),
  nextActionAt: z.string().nullable(),
  attention: z.string().nullable(),
  attempts: Attempts.nullable(),
  reviewReasons: z.array(z.string()).nullable(),
  document: DocumentView.nullable(),
  extracted: z.record(z.string(), z.unknown()).nullable(),
  request: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  /** How fresh this read is: the projection's last write and its per-folio sequence number. */
  freshness: z.object({ source: z.literal('projection'), updatedAt: z.string(), seq: z.number() }),
  /** Present with ?live=true: the workflow's own state, queried now (null when it could not answer). */
  live: z.record(z.string(), z.unknown()).nullable().optional(),
  liveError: z.string().optional(),
});
export type FolioView = z.infer<typeof FolioView>;

/** A folio in a listing: the same fields, without the request, the document and the extraction (GET /v1/folios/{id} has them). */
export const FolioListItem = FolioView.omit({ request: true, document: true, extracted: true, live: true, liveError: true });
export type FolioListItem = z.infer<typeof FolioListItem>;
export const FolioList = z.object({ items: z.array(FolioListItem), nextCursor: z.string().nullable() });

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ListFoliosQuery = z
  .object({
    status: z.enum(FolioStatus).optional(),
    hotelId: z.string().max(64).optional(),
    clientReference: z.string().max(128).optional(),
    clientId: z.string().max(64).optional().describe('operators only: one client'),
    checkOutFrom: IsoDate.optional(),
    checkOutTo: IsoDate.optional(),
    needsAttention: boolString.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const GetFolioQuery = z.object({ live: boolString.optional() }).strict();

export const BatchCreateRequest = z.object({ requests: z.array(z.unknown()).min(1).max(100) }).strict();
export const BatchItemResult = z.object({
  index: z.number(),
  status: z.number().describe('the HTTP status this item would have had on its own'),
  folio: FolioView.optional(),
  error: ErrorResponse.shape.error.optional(),
});
export const BatchCreateResponse = z.object({ results: z.array(BatchItemResult) });

export const TimelineQuery = z.object({ afterSeq: z.coerce.number().int().min(-1).optional(), limit: z.coerce.number().int().min(1).max(1000).default(500) }).strict();
export const TimelineEvent = z.object({ eventId: z.string(), type: z.enum(FOLIO_EVENT_TYPES), seq: z.number(), at: z.string(), data: z.record(z.string(), z.unknown()).optional() });
export const Timeline = z.object({ folioId: z.string(), items: z.array(TimelineEvent) });

export const OperatorNote = z.object({ note: z.string().max(500).optional() }).strict();
export const SetCallbackBody = z
  .object({ at: z.iso.datetime({ offset: true }).optional(), phrase: z.string().min(1).max(200).optional(), note: z.string().max(500).optional() })
  .strict()
  .refine((b) => b.at !== undefined || b.phrase !== undefined, { message: 'give at (ISO date-time) or phrase', path: ['at'] });
export const ReviewBody = z.object({ approve: z.boolean(), note: z.string().max(500).optional() }).strict();
/** `original=true` (operators): the document a part was cut from, as the hotel sent it. */
export const DocumentQuery = z.object({ original: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }).strict();
export const UploadQuery = z.object({ filename: z.string().min(1).max(200).optional(), note: z.string().max(500).optional() }).strict();

export const ActionAccepted = z.object({ folioId: z.string(), action: z.string() });
export const CallbackSet = z.object({ folioId: z.string(), callbackAt: z.string() });
export const ActionResult = z.object({ folioId: z.string(), status: z.enum(FolioStatus) });
export const UploadResult = ActionResult.extend({ document: DocumentView });

// Hotels: learned statistics and contacts are the system's, never written through the API; whose inline hotel it is neither.
export const HotelCreate = HotelConfig.omit({ stats: true, learnedContacts: true, ownerClientId: true });
export const HotelReplace = HotelConfig.omit({ stats: true, learnedContacts: true, hotelId: true, ownerClientId: true });
export const HotelView = HotelConfig.extend({ updatedAt: z.string().nullable() });
/** What a client key sees of a hotel: enough to name it; contact data only of its own inline hotels. */
export const HotelClientView = z
  .object({
    hotelId: z.string(),
    name: z.string(),
    country: z.string(),
    timeZone: z.string(),
    language: z.string(),
    own: z.boolean().describe('a hotel this client gave inline (only its requests use it)'),
    phone: z.string().optional(),
    emails: z.array(z.string()).optional(),
  })
  .strict();
export type HotelClientView = z.infer<typeof HotelClientView>;
export const HotelAnyView = z.union([HotelView, HotelClientView]).describe('operators get the full configuration, client keys the client view');
export const HotelList = z.object({ items: z.array(HotelAnyView), nextCursor: z.string().nullable() });
export const ListHotelsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() }).strict();

// Clients: their settings and delivery signing secrets.
export const ClientIdParams = z.object({ clientId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a client id') });
export const SecretIdParams = ClientIdParams.extend({ secretId: z.string().regex(/^[0-9a-f]{12}$/, 'must be a secret id') });
export const ClientPolicyView = z.object({
  acceptDepartureMismatch: z.boolean().describe('a folio whose departure differs from the requested check-out may complete (default false: review)'),
});
export const ClientQuotasView = z.object({
  concurrentCalls: z.number().int().describe('calls placed for this client’s folios at once'),
  callsPerDay: z.number().int().describe('calls placed for this client’s folios in any 24 hours'),
});
export const ClientSettingsPatch = z
  .object({
    policy: ClientPolicyView.partial().strict().optional(),
    quotas: ClientQuotasView.extend({ concurrentCalls: z.number().int().min(1).max(1000), callsPerDay: z.number().int().min(1).max(100_000) }).partial().strict().optional().describe('operators only'),
    allowedCountries: z.array(CountryCode).max(250).nullable().optional().describe('operators only: the countries this client’s inline hotels may be in (null: the deployment’s list)'),
  })
  .strict();
export const DeliverySecretView = z.object({ secretId: z.string(), createdAt: z.string(), expiresAt: z.string().nullable().describe('null for the current secret; the end of the overlap for a replaced one') });
export const ClientSettings = z.object({
  clientId: z.string(),
  policy: ClientPolicyView,
  quotas: ClientQuotasView,
  allowedCountries: z.array(z.string()).describe('the countries this client’s inline hotels may be in'),
  deliverySecrets: z.array(DeliverySecretView).describe('the secrets that sign deliveries now (values are shown only when made)'),
});
export const RotateSecretBody = z.object({ overlapHours: z.number().min(0).max(720).optional().describe('how long the replaced secrets keep signing (default DELIVERY_SECRET_OVERLAP_HOURS)') }).strict();
export const RotatedSecret = DeliverySecretView.extend({
  secret: z.string().describe('shown this once'),
  previousExpireAt: z.string().nullable().describe('when the replaced secrets stop signing (null: there were none)'),
});

export const Liveness = z.object({ status: z.literal('ok') });
const Check = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
export const Readiness = z.object({ status: z.enum(['ready', 'unready']), temporal: Check, mongodb: Check });

export const CodecPayloads = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })) });

// The API's own shapes (queries, action bodies, responses), in zod: the same schemas validate requests,
// generate the OpenAPI document (api/openapi.ts) and check responses in the contract tests.
import { z } from 'zod';
import { FolioStatus } from '../domain/model';
import { HotelConfig, IsoDate } from '../domain/schemas';
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

export const FolioList = z.object({ items: z.array(FolioView), nextCursor: z.string().nullable() });

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

// Hotels: learned statistics are the system's, never written through the API.
export const HotelCreate = HotelConfig.omit({ stats: true });
export const HotelReplace = HotelConfig.omit({ stats: true, hotelId: true });
export const HotelView = HotelConfig.extend({ updatedAt: z.string().nullable() });
export const HotelList = z.object({ items: z.array(HotelView), nextCursor: z.string().nullable() });
export const ListHotelsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() }).strict();

export const Liveness = z.object({ status: z.literal('ok') });
const Check = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
export const Readiness = z.object({ status: z.enum(['ready', 'unready']), temporal: Check, mongodb: Check });

export const CodecPayloads = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })) });

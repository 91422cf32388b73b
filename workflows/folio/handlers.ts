// How outside events reach a folio: each signal or update lands in the folio's inbox (or changes
// what it knows); the chase loop acts on it at its next step. Registered before the first await,
// so queries and updates work from the start.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { batchStartEvents } from '../../domain/call-events';
import { resolveCallback } from '../../domain/callbacks';
import { FolioStatus } from '../../domain/model';
import {
  batchStartedSignal,
  callOutcomeSignal,
  cancelSignal,
  documentReceivedSignal,
  emailBouncedSignal,
  emailSentSignal,
  folioStateQuery,
  hotelRepliedSignal,
  hotelUpdatedSignal,
  retryNowSignal,
  reviewDecisionUpdate,
  setCallbackUpdate,
  uploadAuthorizationUpdate,
  uploadDocumentUpdate,
} from '../definitions';
import type { Folio } from './state';

export function registerHandlers(f: Folio): void {
  const { inbox, book } = f;
  setHandler(callOutcomeSignal, (m) => void (inbox.callOutcome = m));
  setHandler(emailSentSignal, (m) => void (inbox.emailSent = m));
  setHandler(batchStartedSignal, (m) => {
    inbox.batchStarted = m.kind;
    inbox.batchStartedId = m.batchId;
    book.emitAll(batchStartEvents(m));
  });
  setHandler(hotelRepliedSignal, (m) => void (inbox.hotelReply = m));
  setHandler(emailBouncedSignal, (m) => void (inbox.bounced = m));
  setHandler(hotelUpdatedSignal, (snapshot) => {
    f.useHotel(snapshot);
    book.emit('HotelContactChanged', { hotelId: snapshot.hotelId });
  });
  setHandler(cancelSignal, (m) => void (inbox.cancelled ??= m));
  setHandler(retryNowSignal, (m) => void (inbox.retryRequested = m));
  setHandler(documentReceivedSignal, (doc) => f.acceptDocument(doc));
  setHandler(
    setCallbackUpdate,
    async ({ at, phrase, by }) => {
      const r = resolveCallback({ at, phrase }, Date.now(), f.schedule(), f.hotel?.language);
      if (!r.ok) throw invalidArgument(r.error); // validated already; the time may have moved on since
      inbox.operatorCallback = r.atMs;
      book.emit('CallbackMoved', { by, at: new Date(r.atMs).toISOString(), clamped: r.clamped });
      await condition(() => inbox.operatorCallback === undefined || f.isTerminal());
      return { callbackAt: new Date(f.callbackAt ?? r.atMs).toISOString() };
    },
    {
      validator: ({ at, phrase }) => {
        if (f.isTerminal()) throw new Error(`folio is ${f.status}; a callback cannot be set`);
        if (!at && !phrase) throw invalidArgument('give `at` (ISO time) or `phrase` (e.g. "tomorrow after 10")');
        const r = resolveCallback({ at, phrase }, Date.now(), f.schedule(), f.hotel?.language);
        if (!r.ok) throw invalidArgument(r.error);
      },
    },
  );
  setHandler(
    reviewDecisionUpdate,
    async (decision) => {
      inbox.review = decision;
      await condition(() => f.status !== FolioStatus.NeedsReview);
      return { status: f.status };
    },
    {
      validator: (_decision) => {
        if (f.status !== FolioStatus.NeedsReview) throw new Error(`folio is ${f.status}, not waiting for review`);
      },
    },
  );
  setHandler(
    uploadDocumentUpdate,
    async ({ document: doc, by }) => {
      book.emit('OperatorUploadedDocument', { by, documentId: doc.documentId });
      f.acceptDocument(doc);
      await condition(() => !inbox.documents.includes(doc) && f.status !== FolioStatus.Extracting);
      return { status: f.status };
    },
    {
      validator: (_upload) => {
        if (f.status === FolioStatus.Completed || f.status === FolioStatus.Cancelled) throw new Error(`folio is ${f.status}; nothing to upload for`);
      },
    },
  );
  setHandler(
    uploadAuthorizationUpdate,
    async ({ document: doc, by }) => {
      inbox.authorization = { document: doc, by };
      // answered once the folio took the form (it goes to the hotel next)
      await condition(() => inbox.authorization === undefined || f.isTerminal());
      return { status: f.status };
    },
    {
      validator: (_upload) => {
        if (f.isTerminal()) throw new Error(`folio is ${f.status}; no form is needed`);
        if (!f.authorization) throw new Error('the hotel has not asked for a signed form for this folio');
        if (inbox.authorization) throw new Error('a signed form was just uploaded; it is on its way to the hotel');
      },
    },
  );
  setHandler(folioStateQuery, () => f.view());
}

/** A caller's mistake (not a state conflict): the API answers 400 with the message. */
function invalidArgument(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidArgument', message, nonRetryable: true });
}

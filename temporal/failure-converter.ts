// The failure converter of every client, worker and workflow bundle: error messages and stack traces go into
// the failure's encoded attributes, a payload, so the payload codec encrypts them like any other payload
// (history shows "Encoded failure" instead of a message that may name a guest, a number or an address).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

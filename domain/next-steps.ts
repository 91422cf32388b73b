// The single next action a person is asked to take when the chase stops, by why it stopped.

/** What a person is asked to do, by why the chase stopped: the single next action an operator sees. */
export const NEXT_STEP = {
  noChannel: "add a phone path or an email address to the hotel (PUT /v1/hotels/{hotelId}), then retry the folio",
  noSuchBooking: 'confirm the booking with the traveller (confirmation number, name on the booking, dates); send a corrected request, or cancel this one',
  refused: 'ask the traveller to request the folio from the hotel, then upload it (POST /v1/folios/{id}/document)',
  wrongNumber: "correct the hotel's phone number (PUT /v1/hotels/{hotelId}), then retry the folio",
  fax: 'find an email address or another number for the hotel (PUT /v1/hotels/{hotelId}), then retry the folio',
  emailRejected: 'find a working email address or phone path for the hotel (PUT /v1/hotels/{hotelId}), then retry the folio',
  writtenNoAddress: 'find the address the hotel takes written requests at, add it to the hotel (PUT /v1/hotels/{hotelId}), then retry the folio',
  callbacks: "call the hotel at a time it names, or get an email address for it, then retry the folio",
  gaveUp: "call the hotel's front desk or accounting yourself; upload the folio when it arrives (POST /v1/folios/{id}/document)",
  authorization: "ask the traveller for the hotel's form signed by the guest and upload it (POST /v1/folios/{id}/authorization)",
  authorizationAgain: 'ask the hotel what is wrong with the signed form we sent (AuthorizationSentToHotel on the timeline); upload a corrected one, or the folio when it arrives',
  authorizationNoAddress: 'send the signed form (AuthorizationReceived on the timeline) to the hotel, then retry the folio',
  review: 'compare the document with the request (guest, stay dates, confirmation number): approve it, or reject it to ask the hotel again',
} as const;

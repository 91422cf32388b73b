// The TwiML we answer with, read back the way the emulator (and Twilio) reads it.
import assert from 'node:assert/strict';
import { answerTwiml, connectTwiml, ivrStepTwiml, overflowTwiml, voicemailTwiml, webhookUrl } from '../../adapters/telephony/twiml';
import { parseXml, XmlError } from '../../sandbox/twilio/xml';

const u = { base: 'https://folio.example.com', callId: 'call-1', streamNonce: 'n0nce-of-the-call-1' };

describe('TwiML', () => {
  it('with a known path: consent, digits, then the agent stream carrying the call id', () => {
    const doc = parseXml(answerTwiml(u, { language: 'de', ivrPath: 'w2w3', announceRecording: true }));
    assert.deepEqual(doc.children.map((c) => c.name), ['Say', 'Play', 'Connect']);
    assert.equal(doc.children[0].attrs.language, 'de-DE');
    assert.match(doc.children[0].text, /aufgezeichnet/);
    assert.equal(doc.children[1].attrs.digits, 'w2w3');
    const stream = doc.children[2].children[0];
    assert.equal(stream.name, 'Stream');
    assert.equal(stream.attrs.url, 'wss://folio.example.com/v1/media-stream/call-1/n0nce-of-the-call-1', 'the call id and its nonce in the signed URL');
    assert.deepEqual(stream.children.map((p) => p.attrs), [{ name: 'callId', value: 'call-1' }]);
  });

  it('without a path: listens to the menu with speech and DTMF, and reports an empty result too', () => {
    const doc = parseXml(answerTwiml({ base: 'http://127.0.0.1:8080', callId: 'c&2' }, { language: 'en', announceRecording: false }));
    assert.deepEqual(doc.children.map((c) => c.name), ['Gather']);
    const g = doc.children[0].attrs;
    assert.equal(g.input, 'speech dtmf');
    assert.equal(g.actionOnEmptyResult, 'true');
    assert.equal(g.action, 'http://127.0.0.1:8080/v1/webhooks/twilio/ivr?callId=c%262&step=1&path=');
  });

  it('a menu step presses one digit and listens again', () => {
    const doc = parseXml(ivrStepTwiml(u, { language: 'fr', press: '2', step: 2, path: 'WW2' }));
    assert.deepEqual(doc.children.map((c) => c.name), ['Play', 'Gather']);
    assert.equal(doc.children[0].attrs.digits, 'w2');
    assert.equal(new URL(doc.children[1].attrs.action).searchParams.get('step'), '2');
    assert.equal(parseXml(connectTwiml(u)).children[0].name, 'Connect');
    assert.throws(() => connectTwiml({ base: u.base, callId: 'call-1' }), /no media-stream nonce/);
  });

  it('voicemail and wrap-up name our address in the hotel language, then hang up', () => {
    const vm = parseXml(voicemailTwiml({ language: 'es', replyTo: 'folios+ab12@folio.test', hotelName: 'Hotel Sol' }));
    assert.deepEqual(vm.children.map((c) => c.name), ['Say', 'Hangup']);
    assert.equal(vm.children[0].attrs.language, 'es-ES');
    assert.match(vm.children[0].text, /folios\+ab12 at folio dot test/);
    const of = parseXml(overflowTwiml({ language: 'it', replyTo: 'x@folio.test' }));
    assert.equal(of.children[0].attrs.language, 'it-IT');
    assert.match(of.children[0].text, /follow up by email/, 'falls back to English text');
  });

  it('webhook URLs carry the call id and extra parameters', () => {
    assert.equal(webhookUrl(u, 'status'), 'https://folio.example.com/v1/webhooks/twilio/status?callId=call-1');
    assert.equal(webhookUrl(u, 'ivr', { step: 3, path: 'W1' }), 'https://folio.example.com/v1/webhooks/twilio/ivr?callId=call-1&step=3&path=W1');
  });

  it('the reader refuses malformed TwiML', () => {
    assert.throws(() => parseXml('<Response><Say>hi</Response>'), XmlError);
    assert.throws(() => parseXml('<Response><Say>hi</Say>'), /unclosed/);
    assert.throws(() => parseXml('hello'), XmlError);
  });
});

import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { digestsEqual } from '../../adapters/http/signing';
import { correlate, guestsMentioned, tokenFromAddress, tokenFromSubject, type IncomingFacts, type SentThread } from '../../domain/correlation';

const thread = (over: Partial<SentThread> & Pick<SentThread, 'emailId' | 'token'>): SentThread => ({
  hotelId: 'rex',
  messageId: `<email-${over.emailId}@folio.test>`,
  to: 'frontdesk@rex.example',
  hotelEmails: ['frontdesk@rex.example'],
  guests: [],
  open: true,
  ...over,
});
const g = (id: string, name: string, conf: string) => ({ folioId: id, workflowId: `folio:c:${id}`, guestName: name, confirmationNumber: conf });

const batch = thread({ emailId: 'e1', token: 'aaaabbbbcc', guests: [g('f1', 'Anna Schmidt', 'RX-1'), g('f2', 'Bruno Keller', 'RX-2')] });
const reminder = thread({ emailId: 'e1r', token: 'aaaabbbbcc', messageId: '<email-e1r@folio.test>', guests: [g('f2', 'Bruno Keller', 'RX-2')] });
const other = thread({ emailId: 'e2', token: 'ddddeeeeff', hotelId: 'max', to: 'info@max.example', hotelEmails: ['info@max.example'], guests: [g('f3', 'Clara Weiss', 'MX-9')] });
const threads = [batch, reminder, other];
const opts = { replyDomain: 'folio.test', tokensEqual: digestsEqual };
const msg = (over: Partial<IncomingFacts>): IncomingFacts => ({ references: [], recipients: ['folios@folio.test'], subject: 'Folio', from: 'frontdesk@rex.example', senderAuthenticated: true, text: '', ...over });
const ids = (r: ReturnType<typeof correlate>) => (r.matched ? r.folios.map((f) => f.folioId).sort() : []);

describe('correlation of a reply to its request', () => {
  it('1. In-Reply-To our Message-ID: the whole batch of that email', () => {
    const r = correlate(msg({ inReplyTo: '<email-e1@folio.test>' }), threads, opts);
    assert.equal(r.matched && r.rule, 'thread');
    assert.deepEqual(ids(r), ['f1', 'f2']);
  });

  it('1. the direct parent wins: a reply to the reminder answers the reminder’s guests', () => {
    const r = correlate(msg({ inReplyTo: '<email-e1r@folio.test>', references: ['<email-e1@folio.test>', '<email-e1r@folio.test>'] }), threads, opts);
    assert.deepEqual(ids(r), ['f2']);
  });

  it('1. References alone (In-Reply-To lost by the mail client)', () => {
    const r = correlate(msg({ from: 'info@max.example', inReplyTo: '<foreign@x>', references: ['<email-e2@folio.test>', '<foreign@x>'] }), threads, opts);
    assert.equal(r.matched && r.rule, 'thread');
    assert.deepEqual(ids(r), ['f3']);
  });

  it('2. the reply token in a recipient plus-address', () => {
    const r = correlate(msg({ from: 'info@max.example', recipients: ['Folios+DDDDEEEEFF@Folio.test'] }), threads, opts);
    assert.equal(r.matched && r.rule, 'reply-token');
    assert.deepEqual(ids(r), ['f3']);
  });

  it('2. a plus-address on another domain is not ours', () => {
    assert.equal(tokenFromAddress('folios+ddddeeeeff@evil.example', 'folio.test'), undefined);
    assert.equal(tokenFromAddress('folios@folio.test', 'folio.test'), undefined);
  });

  it('3. the [Ref token] kept in the subject', () => {
    const r = correlate(msg({ subject: 'AW: Anfrage [Ref aaaabbbbcc]' }), threads, opts);
    assert.equal(r.matched && r.rule, 'subject-tag');
    assert.deepEqual(ids(r), ['f1', 'f2']);
    assert.equal(tokenFromSubject('no tag'), undefined);
  });

  it('2./3. a token is compared to the stored ones in constant time, byte for byte, whatever its length', () => {
    const compared: [string, string][] = [];
    const original = nodeCrypto.timingSafeEqual;
    (nodeCrypto as { timingSafeEqual: typeof original }).timingSafeEqual = (a, b) => {
      compared.push([Buffer.from(a as Uint8Array).toString(), Buffer.from(b as Uint8Array).toString()]);
      return original(a, b);
    };
    try {
      // one character off, in the address and in the subject: no match, and every stored token compared whole
      const near = correlate(msg({ from: 'info@max.example', recipients: ['folios+ddddeeeefe@folio.test'], subject: 'Re [Ref aaaabbbbcd]' }), threads, opts);
      assert.equal(near.matched && near.rule, 'sender-domain', 'a token one character off matched');
      assert.ok(compared.some(([a, b]) => a === 'ddddeeeeff' && b === 'ddddeeeefe'), 'the reply token was not compared in constant time');
      assert.ok(compared.some(([a, b]) => a === 'aaaabbbbcc' && b === 'aaaabbbbcd'), 'the subject tag was not compared in constant time');
      // a token of another length is compared too (against itself), and is no match
      compared.length = 0;
      const short = correlate(msg({ from: 'nobody@else.example', recipients: ['folios+ddddeeee@folio.test'] }), threads, opts);
      assert.equal(short.matched, false);
      assert.ok(compared.length > 0, 'a token of another length short-cut the comparison');
    } finally {
      (nodeCrypto as { timingSafeEqual: typeof original }).timingSafeEqual = original;
    }
    assert.equal(digestsEqual('aaaabbbbcc', 'aaaabbbbcc'), true);
    assert.equal(digestsEqual('aaaabbbbcc', 'aaaabbbbcC'), false);
    assert.equal(digestsEqual('aaaabbbbcc', 'aaaabbbbc'), false);
    assert.equal(digestsEqual('é', 'e'), false);
  });

  it('4. sender domain, when the hotel has exactly one open request chain (request + reminder count as one)', () => {
    const r = correlate(msg({ from: 'accounting@rex.example' }), threads, opts);
    assert.equal(r.matched && r.rule, 'sender-domain');
    assert.deepEqual(ids(r), ['f1', 'f2']);
  });

  it('4. ambiguous when the hotel has several open chains and nothing names a guest', () => {
    const second = thread({ emailId: 'e3', token: 'gggghhhhii', guests: [g('f4', 'Dora Lang', 'RX-4')] });
    const r = correlate(msg({ from: 'accounting@rex.example', text: 'see attached' }), [...threads, second], opts);
    assert.equal(r.matched, false);
    assert.match(!r.matched ? r.reason : '', /ambiguous: 2 open requests/);
    assert.deepEqual(!r.matched ? r.candidates.map((c) => c.folioId).sort() : [], ['f1', 'f2', 'f4']);
  });

  it('5. last resort: surname and confirmation number both named (accents and case ignored)', () => {
    const second = thread({ emailId: 'e3', token: 'gggghhhhii', guests: [g('f4', 'Dora Läng', 'RX-4')] });
    const r = correlate(msg({ from: 'accounting@rex.example', text: 'Rechnung für Frau LANG, Buchung rx-4' }), [...threads, second], opts);
    assert.equal(r.matched && r.rule, 'guest-details');
    assert.deepEqual(ids(r), ['f4']);
  });

  it('5. attachment text counts too, and the surname alone is not enough', () => {
    const second = thread({ emailId: 'e3', token: 'gggghhhhii', guests: [g('f4', 'Dora Lang', 'RX-4')] });
    const all = [...threads, second];
    assert.equal(correlate(msg({ from: 'a@rex.example', attachmentTexts: ['Guest: Keller  Conf RX-2'] }), all, opts).matched, true);
    assert.equal(correlate(msg({ from: 'a@rex.example', text: 'Keller' }), all, opts).matched, false);
  });

  it('a spoofed sender naming a guest and confirmation number is not matched', () => {
    const r = correlate(msg({ from: 'billing@evil.example', text: 'Anna Schmidt RX-1', subject: 'Invoice' }), threads, opts);
    assert.equal(r.matched, false);
    assert.match(!r.matched ? r.reason : '', /sender is not a hotel/);
  });

  it('a shared webmail domain does not vouch for a hotel; the exact address does', () => {
    const gmail = thread({ emailId: 'e5', token: 'jjjjkkkkmm', hotelId: 'gm', to: 'smallhotel@gmail.com', hotelEmails: ['smallhotel@gmail.com'], guests: [g('f5', 'Eli Roth', 'GM-1')] });
    assert.equal(correlate(msg({ from: 'stranger@gmail.com' }), [gmail], opts).matched, false);
    assert.deepEqual(ids(correlate(msg({ from: 'SmallHotel@gmail.com' }), [gmail], opts)), ['f5']);
  });

  it('answered threads no longer count as open for the sender-domain rule', () => {
    const r = correlate(msg({ from: 'x@rex.example' }), threads.map((t) => ({ ...t, open: false })), opts);
    assert.equal(r.matched, false);
    assert.match(!r.matched ? r.reason : '', /no open request/);
  });

  it('1-3. a thread, token or tag match from a sender the checks did not authenticate is refused, with its candidates', () => {
    const forged = msg({ inReplyTo: '<email-e1@folio.test>', senderAuthenticated: false, senderCheck: 'dkim=none spf=fail dmarc=fail' });
    const r = correlate(forged, threads, opts);
    assert.equal(r.matched, false);
    assert.match(!r.matched ? r.reason : '', /thread match refused: sender frontdesk@rex\.example is not authenticated \(dkim=none spf=fail dmarc=fail\)/);
    assert.deepEqual(!r.matched ? r.candidates.map((c) => c.folioId).sort() : [], ['f1', 'f2']);
    assert.equal(correlate(msg({ from: 'x@rex.example', senderAuthenticated: false }), threads, opts).matched, false, 'nor the sender-domain rule');
  });

  it('1-3. an authenticated stranger with our token or tag is not the hotel; a learned address is', () => {
    const token = correlate(msg({ from: 'billing@evil.example', recipients: ['folios+aaaabbbbcc@folio.test'] }), threads, opts);
    assert.match(!token.matched ? token.reason : '', /reply-token match refused: billing@evil\.example is not the hotel/);
    const tag = correlate(msg({ from: 'billing@evil.example', subject: 'Re: [Ref aaaabbbbcc]' }), threads, opts);
    assert.match(!tag.matched ? tag.reason : '', /subject-tag match refused/);
    const learned = correlate(msg({ from: 'invoices@agency.example', subject: 'Re: [Ref aaaabbbbcc]' }), threads, { ...opts, learnedSenders: new Map([['rex', ['invoices@agency.example']]]) });
    assert.deepEqual(ids(learned), ['f1', 'f2']);
  });

  it('a configured @domain vouches for every address of that domain, never for a public webmail domain', () => {
    const office = msg({ from: 'AP@Chain-Office.example', text: 'Clara Weiss MX-9' });
    assert.equal(correlate(office, threads, opts).matched, false, 'unknown office');
    const r = correlate(office, threads, { ...opts, learnedSenders: new Map([['max', ['@chain-office.example']]]) });
    assert.deepEqual(ids(r), ['f3']);
    assert.equal(correlate(msg({ from: 'ap@sub.chain-office.example', text: 'Clara Weiss MX-9' }), threads, { ...opts, learnedSenders: new Map([['max', ['@chain-office.example']]]) }).matched, false, 'the exact domain only');
    const webmail = correlate(msg({ from: 'anyone@gmail.com', text: 'Clara Weiss MX-9' }), threads, { ...opts, learnedSenders: new Map([['max', ['@gmail.com']]]) });
    assert.equal(webmail.matched, false);
  });

  it('guestsMentioned picks the guests an attachment names', () => {
    assert.deepEqual(guestsMentioned(batch.guests, 'Folio_RX-2.pdf').map((x) => x.folioId), ['f2']);
    assert.deepEqual(guestsMentioned(batch.guests, 'GUEST: SCHMIDT, ANNA').map((x) => x.folioId), ['f1']);
    assert.deepEqual(guestsMentioned(batch.guests, 'RX-10 Schmidtke'), [], 'whole words only');
    const family = [g('h1', 'Ola Berg', 'PI-1'), g('h2', 'Kari Berg', 'PI-2')];
    assert.deepEqual(guestsMentioned(family, 'Guest: Berg, Ola  Confirmation PI-1').map((x) => x.folioId), ['h1'], 'the number beats a shared surname');
    assert.deepEqual(guestsMentioned(family, 'Guests: Ola Berg, Kari Berg  Confirmation PI-1').map((x) => x.folioId), ['h1', 'h2'], 'one bill naming both');
    assert.deepEqual(guestsMentioned(family, 'Familie Berg').map((x) => x.folioId), ['h1', 'h2']);
  });
});

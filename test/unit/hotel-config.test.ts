// A hotel's configuration as operators give it: who may send its folios, its chain, its own voice settings,
// and what of it a workflow carries (the snapshot).
import assert from 'node:assert/strict';
import { hotelSnapshot } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';

const base = { hotelId: 'grand-test', name: 'Grand Test', phone: '+441632960001', timeZone: 'Europe/London', country: 'GB' };
const problems = (input: object) => {
  const r = HotelConfig.safeParse({ ...base, ...input });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('hotel configuration', () => {
  it('folio senders are addresses or @domains, lowercased; a whole webmail domain or anything else is refused by name', () => {
    assert.deepEqual(HotelConfig.parse({ ...base, folioSenders: [' AP@Chain-Office.example ', '@Chain-Office.example'] }).folioSenders, ['ap@chain-office.example', '@chain-office.example']);
    assert.deepEqual(problems({ folioSenders: ['@gmail.com'] }), ['folioSenders.0: a public webmail domain cannot be vouched for whole: give the exact address']);
    assert.deepEqual(HotelConfig.parse({ ...base, folioSenders: ['smallhotel@gmail.com'] }).folioSenders, ['smallhotel@gmail.com'], 'an exact webmail address is fine');
    for (const bad of ['chain-office.example', '@', '@localhost', 'a@@b.example']) assert.match(problems({ folioSenders: [bad] }).join(), /must be an email address or @domain/, bad);
    assert.match(problems({ folioSenders: Array.from({ length: 21 }, (_, i) => `a${i}@x.example`) }).join(), /folioSenders/);
    assert.deepEqual(HotelConfig.parse(base).folioSenders, []);
  });

  it('a chain name is trimmed and bounded', () => {
    assert.equal(HotelConfig.parse({ ...base, chain: '  Meridian Hotels ' }).chain, 'Meridian Hotels');
    assert.notDeepEqual(problems({ chain: '' }), []);
    assert.notDeepEqual(problems({ chain: 'x'.repeat(101) }), []);
  });

  it('its own overflow limit (60-1800 s) and voicemail policy, carried in the snapshot only when set', () => {
    assert.notDeepEqual(problems({ callOverflowSeconds: 30 }), []);
    assert.notDeepEqual(problems({ callOverflowSeconds: 2000 }), []);
    assert.notDeepEqual(problems({ voicemail: 'sing' }), []);
    const own = hotelSnapshot(HotelConfig.parse({ ...base, callOverflowSeconds: 300, voicemail: 'hang-up' }));
    assert.equal(own.callOverflowSeconds, 300);
    assert.equal(own.voicemail, 'hang-up');
    const plain = hotelSnapshot(HotelConfig.parse(base));
    assert.ok(!('callOverflowSeconds' in plain) && !('voicemail' in plain), 'a snapshot without settings is what it was before them');
  });
});

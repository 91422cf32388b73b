// The dialling rules on their own: what a number is, by libphonenumber's full metadata.
import assert from 'node:assert/strict';
import { announceRecording, diallingProblem, knownDiallingHazard, numberCountry } from '../../domain/dialling';

const policy = { allowedCountries: ['GB', 'DE', 'FR', 'US', 'CA'] };

describe('dialling rules', () => {
  it('calls fixed lines and mobiles of the hotel’s own, allowed country', () => {
    for (const [phone, country] of [['+442071234567', 'GB'], ['+493012345678', 'DE'], ['+33612345678', 'FR'], ['+12025550123', 'US'], ['+14165550123', 'CA']]) {
      assert.equal(diallingProblem(phone!, country!, policy), undefined, phone);
    }
  });

  it('refuses every other kind, naming it', () => {
    const cases: [string, string, string][] = [
      ['+449012345678', 'GB', 'refused_type'], // premium rate
      ['+19005550100', 'US', 'refused_type'], // premium rate
      ['+4918012345678', 'DE', 'refused_type'], // shared cost
      ['+448001234567', 'GB', 'refused_type'], // toll free
      ['+447012345678', 'GB', 'refused_type'], // personal number
      ['+443001234567', 'GB', 'refused_type'], // UAN
      ['+870773100000', 'GB', 'non_geographic'], // Inmarsat
      ['+80812345678', 'GB', 'non_geographic'], // international shared cost
      ['+979123456789', 'GB', 'non_geographic'], // international premium rate
      ['+4412345678', 'GB', 'invalid_number'],
      ['+15550100000', 'US', 'invalid_number'],
      ['+33123456789', 'GB', 'country_mismatch'],
      ['+447911123456', 'GB', 'country_mismatch'], // a Guernsey mobile range
      ['+390212345678', 'IT', 'country_not_allowed'],
    ];
    for (const [phone, country, code] of cases) assert.equal(diallingProblem(phone, country, policy)?.code, code, phone);
    assert.match(diallingProblem('+449012345678', 'GB', policy)!.message, /premium-rate/);
    assert.equal(diallingProblem('+442071234567', 'GB', { allowedCountries: [] })?.code, 'country_not_allowed');
  });

  it('at dial time, an operator’s number is refused only for what it is known to be', () => {
    assert.equal(knownDiallingHazard('+15550100000', policy), undefined, 'an unplaceable number passes: the operator vouched for it');
    assert.equal(knownDiallingHazard('+33123456789', policy), undefined, 'no declared country to compare with');
    assert.equal(knownDiallingHazard('+448712345678', policy)?.code, 'refused_type');
    assert.equal(knownDiallingHazard('+870773100000', policy)?.code, 'non_geographic');
    assert.equal(knownDiallingHazard('+390212345678', policy)?.code, 'country_not_allowed');
  });

  it('announces a recording by the number’s country, and when the number tells no country', () => {
    const consent = ['DE', 'FR'];
    assert.equal(numberCountry('+493012345678'), 'DE');
    assert.equal(announceRecording('+493012345678', consent), true);
    assert.equal(announceRecording('+12025550123', consent), false);
    assert.equal(announceRecording('+15550100000', consent), true);
  });
});

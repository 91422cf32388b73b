import assert from 'node:assert/strict';
import fc from 'fast-check';
import { namesMatch, foldName } from '../../domain/names';

const john = { firstName: 'John', lastName: 'Smith' };

describe('namesMatch', () => {
  const same: [{ firstName: string; lastName: string }, string][] = [
    [john, 'John Smith'],
    [john, 'SMITH, JOHN'],
    [john, 'Smith John'],
    [john, 'Mr. John Smith'],
    [john, 'J. Smith'],
    [john, 'MR J SMITH'],
    [{ firstName: 'Jürgen', lastName: 'Müller' }, 'Herr Juergen Mueller'],
    [{ firstName: 'Jürgen', lastName: 'Müller' }, 'MULLER, JURGEN'],
    [{ firstName: 'Hélène', lastName: 'Dubois' }, 'Mme Helene DUBOIS'],
    [{ firstName: 'Jean-Pierre', lastName: 'Lefèvre' }, 'M. Jean Pierre Lefevre'],
    [{ firstName: 'Jean-Pierre', lastName: 'Lefèvre' }, 'J.-P. Lefèvre'],
    [{ firstName: 'María José', lastName: 'García López' }, 'Sra. María José García'],
    [{ firstName: 'María José', lastName: 'García López' }, 'GARCIA LOPEZ, MARIA JOSE'],
    [{ firstName: 'Anne', lastName: 'Smith-Jones' }, 'Anne Smith Jones'],
    [{ firstName: 'Anne', lastName: 'Smith' }, 'Anne Smith-Jones'],
    [{ firstName: 'Seán', lastName: "O'Brien" }, 'Sean OBrien'],
    [{ firstName: 'Søren', lastName: 'Kierkegård' }, 'Soren Kierkegard'],
    [{ firstName: 'Alexander', lastName: 'Schwarzenegger' }, 'Alexander Schwarzeneger'],
    [{ firstName: 'Anna', lastName: 'van der Berg' }, 'ANNA VAN DER BERG'],
    [{ firstName: 'Anna', lastName: 'van der Berg' }, 'Berg, Anna'],
    [{ firstName: 'Ludwig', lastName: 'van Beethoven' }, 'Herr Ludwig van Beethoven'],
  ];
  for (const [expected, found] of same) {
    it(`matches ${expected.firstName} ${expected.lastName} with "${found}"`, () => assert.equal(namesMatch(expected, found), true));
  }

  const different: [{ firstName: string; lastName: string }, string][] = [
    [john, 'Mary Smith'],
    [john, 'John Smythe'],
    [john, 'Smith'],
    [john, 'K. Smith'],
    [john, ''],
    [john, 'Mr.'],
    [{ firstName: 'Anna', lastName: 'Berg' }, 'Anna Borg'],
    [{ firstName: 'Anna', lastName: 'van der Berg' }, 'Anna van Dijk'],
    [{ firstName: 'Maria', lastName: 'de la Cruz' }, 'Maria de Souza'],
  ];
  for (const [expected, found] of different) {
    it(`does not match ${expected.firstName} ${expected.lastName} with "${found}"`, () => assert.equal(namesMatch(expected, found), false));
  }

  it('is insensitive to case, order and accents for any name', () => {
    const word = fc.stringMatching(/^[A-Za-zàâäçéèêëîïôöùûüñßøåÀÂÄÇÉÈÊËÎÏÔÖÙÛÜÑØÅ]{2,12}$/);
    fc.assert(
      fc.property(word, word, (first, last) => {
        fc.pre(foldName(first).replace(/[^a-z]/g, '').length > 1 && foldName(last).replace(/[^a-z]/g, '').length > 1);
        const e = { firstName: first, lastName: last };
        return namesMatch(e, `${last.toUpperCase()}, ${first.toUpperCase()}`) && namesMatch(e, `${first} ${last}`.normalize('NFD'));
      }),
    );
  });
});

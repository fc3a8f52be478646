// The conflicts view's words for a field and its values, email consent among them.
import { describe, expect, it } from 'vitest';
import { fieldWords, formatFieldValue } from '../../renderer/src/conflicts/conflictWords';

describe('conflict words', () => {
  it('names email consent and reads its values as Yes / No', () => {
    expect(fieldWords('unsubscribedFromEmails', 'contact')).toBe('Unsubscribed from emails');
    expect(formatFieldValue('unsubscribedFromEmails', true, 'contact')).toBe('Yes');
    expect(formatFieldValue('unsubscribedFromEmails', false, 'contact')).toBe('No');
    expect(formatFieldValue('unsubscribedFromEmails', null, 'contact')).toBe('(empty)');
  });
});

// Custom search attributes operators filter by in the Web UI. No guest names or other PII here.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FolioStatusKey = defineSearchAttributeKey('FolioStatus', SearchAttributeType.KEYWORD);
export const HotelIdKey = defineSearchAttributeKey('HotelId', SearchAttributeType.KEYWORD);
export const ClientIdKey = defineSearchAttributeKey('ClientId', SearchAttributeType.KEYWORD);
export const CheckOutDateKey = defineSearchAttributeKey('CheckOutDate', SearchAttributeType.DATETIME);
export const NextActionAtKey = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);
export const AttemptCountKey = defineSearchAttributeKey('AttemptCount', SearchAttributeType.INT);

/** Name → CLI type, for `temporal server start-dev --search-attribute` and `temporal operator search-attribute create`. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime' | 'Int'> = {
  FolioStatus: 'Keyword',
  HotelId: 'Keyword',
  ClientId: 'Keyword',
  CheckOutDate: 'Datetime',
  NextActionAt: 'Datetime',
  AttemptCount: 'Int',
};

// The folio-text parser: pure text → FolioData, used by every extractor.
export { addDays, findDate } from './dates';
export type { TextLine } from './lines';
export { categoryOf, addTaxLineIfAddedOnTop } from './table-rows';
export { folioPageGroups, parseFolioLines, splitFolios } from './parse';

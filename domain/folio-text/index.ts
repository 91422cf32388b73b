// The folio-text parser: pure text → FolioData, used by every extractor.
export { addDays, findDate, type DateOrder } from './dates';
export { lineOf, linesFromPlaced, type LineRules, type Placed, type TextLine } from './lines';
export { categoryOf, addTaxLineIfAddedOnTop } from './table-rows';
export { CONFIDENCE, folioPageGroups, parseFolioLines, splitFolios, type FieldSource } from './parse';

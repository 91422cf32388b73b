// One line of folio text as its cells (the runs a PDF's text layer or an OCR engine kept apart).

export interface TextLine {
  cells: string[];
  text: string;
}

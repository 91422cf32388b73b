// One line of folio text as its cells (the runs a PDF's text layer or an OCR engine kept apart), with
// where each cell sits when the reader knows it (fractions of the page width; `top` of the page height).

export interface TextLine {
  cells: string[];
  text: string;
  boxes?: { x0: number; x1: number }[];
  top?: number;
}

export function lineOf(cells: string[]): TextLine {
  return { cells, text: cells.join(' ') };
}

/** A piece of text where a reader found it: a PDF text run or an OCR word (page units, y grows downwards). */
export interface Placed {
  text: string;
  x0: number;
  x1: number;
  y: number;
}

export interface LineRules<T extends Placed> {
  /** Whether `next` (sorted by y) belongs to the row that starts with `first` and so far ends with `last`. */
  sameRow(first: T, last: T, next: T): boolean;
  /** How `next` continues the cell ending at `cellEnd`: '' (same word), ' ' (same cell), or undefined (a new cell). */
  join(cell: { text: string; x1: number }, next: T): '' | ' ' | undefined;
  width: number;
  height: number;
}

/** Pieces → rows (by y) → cells (pieces close enough to join), with where each cell sits on the page. */
export function linesFromPlaced<T extends Placed>(pieces: T[], rules: LineRules<T>): TextLine[] {
  const rows: T[][] = [];
  for (const p of [...pieces].sort((a, b) => a.y - b.y || a.x0 - b.x0)) {
    const row = rows[rows.length - 1];
    if (row && rules.sameRow(row[0]!, row[row.length - 1]!, p)) row.push(p);
    else rows.push([p]);
  }
  const lines = rows.map((row) => {
    row.sort((a, b) => a.x0 - b.x0);
    const cells: { text: string; x0: number; x1: number }[] = [];
    for (const p of row) {
      const last = cells[cells.length - 1];
      const joiner = last ? rules.join(last, p) : undefined;
      if (last && joiner !== undefined) {
        last.text += joiner + p.text;
        last.x1 = Math.max(last.x1, p.x1);
      } else cells.push({ text: p.text, x0: p.x0, x1: p.x1 });
    }
    const clean = cells.map((c) => ({ ...c, text: c.text.replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\s+/g, ' ').trim() })).filter((c) => c.text);
    return { cells: clean.map((c) => c.text), text: clean.map((c) => c.text).join(' '), boxes: clean.map((c) => ({ x0: c.x0 / rules.width, x1: c.x1 / rules.width })), top: row[0]!.y / rules.height };
  });
  return lines.filter((l) => l.cells.length > 0);
}

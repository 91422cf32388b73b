// Folio documents read in a process (PDF text, OCR, Document AI): the extraction activities and how to release what
// the extractor holds. Imported only by a process that reads documents: its libraries are most of a process's memory.
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import { createExtractor } from '../adapters/extraction';
import { createExtractionActivities } from '../activities/extraction';
import type { ExtractionActivities } from '../workflows/activity-types';

export function documentReading(config: Config, store: Pick<Store, 'documents'>): { activities: ExtractionActivities; close(): Promise<void> } {
  const extractor = createExtractor(config);
  return {
    activities: createExtractionActivities({ extractor, documents: store.documents }),
    close: async () => {
      if ('close' in extractor && typeof extractor.close === 'function') await extractor.close();
    },
  };
}

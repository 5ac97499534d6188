import { upcast } from '../domain/event-schema.ts';
import type { RecordedEvent } from './port.ts';

/** A recorded event with its data in the current shape (see `domain/event-schema.ts`). */
export function upcastRecorded(event: RecordedEvent): RecordedEvent {
  const data = upcast(event.type, event.data, event.metadata.schemaVersion);
  return data === event.data ? event : { ...event, data };
}

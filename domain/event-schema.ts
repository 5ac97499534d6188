/**
 * 事件版本: the shape of each event type's data has a version, recorded with every event. Events are
 * never rewritten; an old one is turned into the current shape when it is read, one version at a
 * time, by the upcasters below.
 */
type EventData = { readonly [key: string]: unknown };
type Upcaster = (data: EventData) => EventData;

/** A sale recorded before `notice` existed showed none. */
const withoutNotice: Upcaster = (sale) => ({ ...sale, notice: sale.notice ?? null });

/** For each event type, the upcaster from version n to n + 1 at index n - 1. */
const UPCASTERS: { readonly [type: string]: readonly Upcaster[] } = {
  MealSold: [withoutNotice],
  MealSubsidyDecided: [(data) => ({ ...data, sale: withoutNotice(data.sale as EventData) })],
};

/** The version new events of this type are written with. */
export function schemaVersionOf(type: string): number {
  return (UPCASTERS[type]?.length ?? 0) + 1;
}

/** An event's data in the current shape; events without a version are version 1. */
export function upcast<Data>(type: string, data: Data, version = 1): Data {
  const current = schemaVersionOf(type);
  if (!Number.isInteger(version) || version < 1 || version > current)
    throw new Error(`${type} of schema version ${version} is not readable here (current: ${current})`);
  const steps = UPCASTERS[type]?.slice(version - 1) ?? [];
  return steps.reduce((shaped, step) => step(shaped as EventData), data as EventData) as Data;
}

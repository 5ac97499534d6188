import { type BusinessDate, civilFromDays, daysFromCivil, daysInMonth } from './calendar.ts';

/**
 * Instants are epoch milliseconds (UTC). Business time is Asia/Shanghai, which has kept UTC+8 with no
 * daylight saving since 1991, so a fixed offset is exact for every sale the system can see.
 */
export type EpochMs = number;

/** 营业时间 "HH:MM" in Asia/Shanghai, the granularity of canteen meal periods. */
export type LocalTimeOfDay = string;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * Reads an ISO 8601 instant that carries its offset (`2026-10-08T11:32:05+08:00`, `…Z`). A time
 * without offset is ambiguous for a terminal in another zone, so it gives null like any malformed text.
 */
export function instantFromIso(text: string): EpochMs | null {
  const match = INSTANT_PATTERN.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMs = 0;
  if (zone !== 'Z') {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 23 || om > 59) return null;
    offsetMs = (sign === '-' ? -1 : 1) * (oh * HOUR_MS + om * MINUTE_MS);
  }
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const local =
    daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millis;
  return local - offsetMs;
}

function shanghaiWallClock(instant: EpochMs): { days: number; msOfDay: number } {
  const shifted = instant + SHANGHAI_OFFSET_MS;
  const days = Math.floor(shifted / DAY_MS);
  return { days, msOfDay: shifted - days * DAY_MS };
}

/** 营业日: the Asia/Shanghai calendar date of an instant. */
export function businessDateOf(instant: EpochMs): BusinessDate {
  const { year, month, day } = civilFromDays(shanghaiWallClock(instant).days);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Asia/Shanghai time of day truncated to the minute. Truncation is exact for `[from, to)` periods
 * bounded on whole minutes: 11:29:59 is before 11:30, 13:29:59 is still before 13:30.
 */
export function localTimeOfDay(instant: EpochMs): LocalTimeOfDay {
  const minutes = Math.floor(shanghaiWallClock(instant).msOfDay / MINUTE_MS);
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** A timestamp read from the database, as answers give instants: in Asia/Shanghai with its offset. */
export function shanghaiInstantOf(date: Date): string {
  return formatShanghaiInstant(date.getTime());
}

/** The instant as an ISO 8601 string in Asia/Shanghai (`2026-10-08T11:32:05+08:00`), for answers and receipts. */
export function formatShanghaiInstant(instant: EpochMs): string {
  const { msOfDay } = shanghaiWallClock(instant);
  const seconds = Math.floor(msOfDay / 1000);
  const millis = msOfDay % 1000;
  const clock = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${businessDateOf(instant)}T${clock}${fraction}+08:00`;
}

/** The instant as people read it in Asia/Shanghai, to the minute: `2026年12月6日 14:31`. */
export function formatShanghaiReadable(instant: EpochMs): string {
  const [year, month, day] = businessDateOf(instant).split('-').map(Number);
  return `${year}年${month}月${day}日 ${localTimeOfDay(instant)}`;
}

export interface SerialLineFormat {
  /** Ends a line. Default: any of '\r\n', '\n' and '\r'. */
  delimiter?: string;
  /** A regular expression with a named group `uid`. Default: the whole trimmed line. */
  pattern?: string;
  /**
   * Readers print the UID as 10-digit decimal or as hex; convert it to the form the cards are
   * registered with. Default 'as-is'.
   */
  encoding?: 'as-is' | 'decimal-to-hex' | 'hex-to-decimal';
}

/** Splits a byte stream into lines; a line may arrive in several chunks. */
export function createLineSplitter(delimiter?: string): (chunk: string) => string[] {
  let pending = '';
  const separator = delimiter === undefined || delimiter === '' ? /\r\n|\n|\r/ : delimiter;
  return (chunk) => {
    pending += chunk;
    const parts = pending.split(separator);
    pending = parts.pop() ?? '';
    // With the default, a '\r\n' split across two chunks yields one empty line: not a card.
    return parts.filter((line) => line.trim() !== '');
  };
}

/** Checks a format once, when the reader is configured, instead of on every line. */
export function compilePattern(pattern: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new Error(`card line pattern ${JSON.stringify(pattern)} is not a regular expression`, {
      cause: error,
    });
  }
  if (!/\(\?<uid>/.test(pattern)) {
    throw new Error(`card line pattern ${JSON.stringify(pattern)} has no named group (?<uid>…)`);
  }
  return regex;
}

/** The card UID in one line the reader printed, or null when the line holds none. */
export function createLineParser(format: SerialLineFormat = {}): (line: string) => string | null {
  const regex = format.pattern === undefined ? null : compilePattern(format.pattern);
  const encoding = format.encoding ?? 'as-is';
  return (line) => {
    let uid: string | undefined = line.trim();
    if (regex !== null) uid = regex.exec(line)?.groups?.uid?.trim();
    if (uid === undefined || uid === '') return null;
    switch (encoding) {
      case 'as-is':
        return uid;
      case 'decimal-to-hex':
        return /^\d+$/.test(uid) ? BigInt(uid).toString(16).toUpperCase().padStart(8, '0') : null;
      case 'hex-to-decimal': {
        const hex = uid.replace(/^0x/i, '');
        return /^[0-9a-f]+$/i.test(hex) ? BigInt(`0x${hex}`).toString(10).padStart(10, '0') : null;
      }
    }
  };
}

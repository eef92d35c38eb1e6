/**
 * A `Content-Type` value parsed by RFC 9110's grammar (§8.3.1, §5.6.6):
 * `type "/" subtype *( OWS ";" OWS parameter )`, `parameter = token "=" ( token / quoted-string )`.
 */
export interface MediaType {
  /** `type/subtype`, lowercased. */
  readonly type: string;
  /** Parameter names lowercased; values as sent (quoted strings unquoted). */
  readonly parameters: ReadonlyMap<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED_STRING = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t\\x20-\\x7e\\x80-\\xff])*"';
const MEDIA_TYPE = new RegExp(`^[\\t ]*(${TOKEN}/${TOKEN})[\\t ]*`);
const PARAMETER = new RegExp(`^;[\\t ]*(${TOKEN})=(${TOKEN}|${QUOTED_STRING})[\\t ]*`);
const EMPTY_PARAMETER = /^;[\t ]*/;

/**
 * Parses `header` strictly, or returns `undefined` when it does not follow the grammar or names a parameter
 * twice. Strictness is the point: a lenient parser reads `a/b; x="; charset=utf-8"; charset=utf-16le` one way
 * and another parser (body-parser's) the other way, and whoever checks the charset must see what decodes it.
 *
 * @example
 * ```ts
 * parseMediaType('application/json; charset="UTF-8"')?.parameters.get('charset'); // 'UTF-8'
 * ```
 */
export function parseMediaType(header: string): MediaType | undefined {
  const head = MEDIA_TYPE.exec(header);
  if (head?.[1] === undefined) return undefined;
  const parameters = new Map<string, string>();
  let rest = header.slice(head[0].length);
  while (rest !== '') {
    const parameter = PARAMETER.exec(rest);
    if (parameter?.[1] === undefined || parameter[2] === undefined) {
      // RFC 9110 allows empty parameters (`text/plain;`); anything else is malformed.
      const empty = EMPTY_PARAMETER.exec(rest);
      if (empty === null || (rest.length > empty[0].length && rest[empty[0].length] !== ';')) return undefined;
      rest = rest.slice(empty[0].length);
      continue;
    }
    const name = parameter[1].toLowerCase();
    if (parameters.has(name)) return undefined;
    parameters.set(name, unquote(parameter[2]));
    rest = rest.slice(parameter[0].length);
  }
  return { type: head[1].toLowerCase(), parameters };
}

function unquote(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

import { describe, expect, it } from 'vitest';
import { reasonPhrase, statusLine } from './serialize';

// Every status code RFC 9110 §15 defines, with the reason phrase it gives (§15.1–§15.6).
const RFC_9110: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

// Defined elsewhere and registered with IANA: RFC 6585 (428, 429, 431, 511), RFC 7725 (451), RFC 8297 (103).
const OTHERS: Record<number, string> = {
  103: 'Early Hints',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  511: 'Network Authentication Required',
};

describe('status lines', () => {
  it('use the RFC 9110 reason phrase for every code it defines', () => {
    for (const [code, reason] of Object.entries(RFC_9110)) {
      expect(reasonPhrase(Number(code)), code).toBe(reason);
      expect(statusLine(Number(code))).toBe(`HTTP/1.1 ${code} ${reason}\r\n`);
    }
  });

  it('use the registered phrase for the codes of later RFCs', () => {
    for (const [code, reason] of Object.entries(OTHERS))
      expect(reasonPhrase(Number(code)), code).toBe(reason);
  });

  it('say Unknown for an unregistered code', () => {
    expect(statusLine(599)).toBe('HTTP/1.1 599 Unknown\r\n');
  });
});

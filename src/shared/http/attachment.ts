import { z } from 'zod';
// The Content-Disposition of a download: an ASCII fallback name for old clients and the real
// (Chinese) name in RFC 5987 form, which every current browser uses.
export function attachmentDisposition(filename: string, fallback = 'download'): string {
  const ascii = fallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The answer schema of a route that sends a file (xlsx, csv, the bank file): a binary string in
 * the OpenAPI document. Fastify sends a Buffer or stream as is, so nothing is serialised.
 */
export const fileAnswer = (description: string): z.ZodType<string | Buffer> => z.string().meta({ format: 'binary', description });

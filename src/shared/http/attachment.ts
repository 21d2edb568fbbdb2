import { z } from 'zod';
// The Content-Disposition of a download: an ASCII fallback name for old clients and the real
// (Chinese) name in RFC 5987 form, which every current browser uses. Every route that sends a
// file names it through here. `inline`: shown in the browser (images, PDF) rather than saved.
export function attachmentDisposition(filename: string, fallback = 'download', opts: { inline?: boolean } = {}): string {
  const ascii = fallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${opts.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The answer schema of a route that sends a file (xlsx, csv, the bank file): a binary string in
 * the OpenAPI document. Fastify sends a Buffer or stream as is, so nothing is serialised.
 */
export const fileAnswer = (description: string): z.ZodType<string | Buffer> => z.string().meta({ format: 'binary', description });

// The Content-Disposition of a download: an ASCII fallback name for old clients and the real
// (Chinese) name in RFC 5987 form, which every current browser uses.
export function attachmentDisposition(filename: string, fallback = 'download'): string {
  const ascii = fallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

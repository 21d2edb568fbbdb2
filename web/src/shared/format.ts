// How figures, money and dates look on every page: money is integer fen inside and shown
// as 元 with 2 decimals; dates are calendar dates; timestamps are shown in Beijing time.

/** 60000 → '600.00' ; thousands separated */
export function formatFen(fen: number | string | null | undefined): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  const n = typeof fen === 'string' ? Number(fen) : fen;
  if (!Number.isFinite(n)) return '—';
  const neg = n < 0;
  const abs = Math.abs(Math.round(n));
  const yuan = Math.floor(abs / 100).toLocaleString('zh-CN');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

/** 60000 → '600.00 元' */
export const formatYuan = (fen: number | string | null | undefined) => (fen === null || fen === undefined ? '—' : `${formatFen(fen)} 元`);

/** 1234567 fen → '1.23 万元' */
export function formatWanYuan(fen: number): string {
  return `${(fen / 1_000_000).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 万元`;
}

export const formatCount = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN'));

/** 'YYYY-MM-DD' (or an ISO timestamp) → 'YYYY-MM-DD'; empty → '—' */
export function formatDate(d: string | null | undefined): string {
  if (!d) return '—';
  return d.length >= 10 ? d.slice(0, 10) : d;
}

const dtf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
/** UTC timestamp → '2024-03-05 14:02:11' Beijing time */
export function formatDateTime(ts: string | null | undefined): string {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = Object.fromEntries(dtf.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second}`;
}

export const todayIso = () => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
};

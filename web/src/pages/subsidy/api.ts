// Types and calls of the subsidy pages (the server's shapes in src/subsidy/*.routes.ts).
import { getCsrfToken, withQuery, ApiError } from '../../shared/api.ts';

export interface Payroll {
  id: number; batchNo: string; period: string; kind: 'regular' | 'supplementary'; kindName: string; status: string; statusName: string;
  asOf: string; rules: { standardFen: number; periodKind: string; termYears: number; accountFallback: string };
  persons: number; totalFen: number; excluded: number; createdAt: string;
  counts?: { pending: number; success: number; failure: number; successFen: number; failureFen: number; noAccount: number };
}
export interface Line {
  lineNo: number; idNumber: string; name: string; householdNo: string; villageCode: string; townshipName: string; villageName: string;
  months: number; amountFen: number; reason: string; accountSource: string; accountNo: string; holderName: string; flags: string[]; flagNames: string[];
  result: string; resultName: string; resultReason: string; batchNo?: string;
}
export interface ImportSummary { alreadyImported: boolean; rows: number; succeeded: number; failed: number; unchanged: number; missing: number;
  unknown: { rowNumber: number; idNumber: string; name: string }[]; problems: { rowNumber: number; column: string; reason: string }[]; warnings: string[] }

/** POST that answers with a file (the bank file): saved under the server's file name. */
export async function postDownload(path: string, query?: Record<string, string>): Promise<{ rows: string | null }> {
  const res = await fetch(withQuery('/api' + path, query), { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': getCsrfToken() } });
  if (!res.ok) {
    let body: any = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body?.error?.code ?? 'HTTP_' + res.status, body?.error?.message ?? `导出失败（${res.status}）`);
  }
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = star ? decodeURIComponent(star[1]) : '银行发放文件';
  document.body.appendChild(a);
  a.click();
  a.remove();
  return { rows: res.headers.get('x-anju-rows') };
}

// Types and calls of the subsidy pages (the server's shapes in src/subsidy/*.routes.ts).

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

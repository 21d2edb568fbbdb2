// The post-support roster's columns (FORMATS.md §1), declared once: import, quality, cross-check,
// cases and synth take the header names, their order, what the format requires and the other
// spellings counties use from here. A reader may need fewer columns than the format requires
// (a quality run can go without 状态), so each builds its ColumnSpec with rosterSpec.
import type { ColumnSpec } from './table.ts';

/** §1 columns in file order; true = required by the format. */
export const ROSTER_COLUMNS = {
  户编号: true,
  姓名: true,
  身份证号: true,
  性别: false,
  出生日期: false,
  与户主关系: true,
  村代码: true,
  乡镇: false,
  村: false,
  组: false,
  人口类别: false,
  所属水库: false,
  搬迁日期: false,
  扶持开始日期: true,
  扶持截止日期: false,
  状态: true,
  核减日期: false,
  核减原因: false,
  银行账号: false,
  开户银行: false,
  持卡人姓名: false,
  联系电话: false,
} as const;
export type RosterColumn = keyof typeof ROSTER_COLUMNS;
export const ROSTER_HEADERS = Object.keys(ROSTER_COLUMNS) as RosterColumn[];

/** Other spellings of §1 headers found in county files → the §1 header. */
export const ROSTER_ALIASES: Readonly<Record<string, RosterColumn>> = {
  身份证号码: '身份证号',
  公民身份号码: '身份证号',
  证件号码: '身份证号',
  户号: '户编号',
  关系: '与户主关系',
  与户主关系名称: '与户主关系',
  行政区划代码: '村代码',
  村级代码: '村代码',
  乡镇名称: '乡镇',
  村名称: '村',
  银行卡号: '银行账号',
  一卡通账号: '银行账号',
  电话: '联系电话',
  手机号码: '联系电话',
  联系方式: '联系电话',
};

/**
 * The ColumnSpec of a reader that uses `columns` (default: all of §1, in §1 order). `required`
 * names the columns without which the reader refuses the file (default: those §1 requires).
 * Only aliases of the columns read are matched; other headers stay unknown to the reader.
 */
export function rosterSpec(columns: readonly RosterColumn[] = ROSTER_HEADERS, required?: readonly RosterColumn[]): ColumnSpec {
  const wanted = new Set<string>(columns);
  return {
    columns: Object.fromEntries(columns.map((h) => [h, required ? required.includes(h) : ROSTER_COLUMNS[h]])),
    aliases: Object.fromEntries(Object.entries(ROSTER_ALIASES).filter(([, h]) => wanted.has(h))),
  };
}

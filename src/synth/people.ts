// Building blocks for synthetic people: names, ID numbers (unique, valid), bank cards (Luhn),
// phones, place names. Everything is invented; draws come from the seeded Rng.
import { checkDigit } from '../shared/idnumber.ts';
import { daysInMonth, isoOf, type IsoDate } from '../shared/dates.ts';
import type { Rng } from './prng.ts';
import { luhnCheckDigit, luhnOk } from '../shared/luhn.ts';

// common surnames, roughly by frequency (more frequent ones repeated)
const SURNAMES =
  '王王王王李李李李张张张张刘刘刘陈陈陈杨杨杨黄黄赵赵吴吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const MALE = '伟强军勇杰涛明超刚平辉健华建国文斌波峰亮林海鹏飞宇浩俊鑫磊龙成东志兵福贵发富山良先正昌松柏云春生德义礼立新'.split('');
const FEMALE = '芳娟敏静丽艳秀英华慧玲桂兰霞红梅琴云莲珍凤洁萍燕菊翠容淑芬蓉琳丹雪月婷倩颖媛瑶薇菲怡佳欣'.split('');
/** pairs of characters read the same (for planted homophone name differences) */
export const HOMOPHONES: Record<string, string> = {
  伟: '玮',
  强: '蔷',
  军: '君',
  勇: '永',
  杰: '洁',
  明: '铭',
  刚: '钢',
  辉: '晖',
  华: '桦',
  峰: '锋',
  林: '琳',
  海: '亥',
  鹏: '朋',
  飞: '菲',
  宇: '雨',
  浩: '昊',
  俊: '骏',
  鑫: '新',
  磊: '垒',
  龙: '隆',
  成: '诚',
  东: '冬',
  志: '智',
  兵: '冰',
  芳: '方',
  娟: '涓',
  敏: '闵',
  静: '靖',
  丽: '立',
  艳: '燕',
  秀: '绣',
  英: '瑛',
  慧: '惠',
  玲: '苓',
  兰: '岚',
  霞: '侠',
  红: '虹',
  梅: '玫',
  琴: '芹',
  云: '芸',
  莲: '涟',
  珍: '真',
  凤: '奉',
  洁: '杰',
  萍: '平',
  燕: '艳',
  菊: '局',
  容: '蓉',
  淑: '殊',
  芬: '纷',
  蓉: '容',
  琳: '林',
  丹: '单',
  雪: '学',
  月: '悦',
  婷: '亭',
  倩: '茜',
  颖: '影',
  媛: '源',
  瑶: '遥',
  薇: '微',
  菲: '飞',
  怡: '宜',
  佳: '家',
  欣: '新',
  文: '雯',
  斌: '彬',
  波: '博',
  健: '建',
  建: '健',
  国: '帼',
  平: '萍',
  超: '潮',
  涛: '韬',
  福: '富',
  贵: '桂',
  发: '法',
  富: '福',
  山: '杉',
  良: '梁',
  先: '仙',
  正: '政',
  昌: '常',
  松: '嵩',
  柏: '伯',
  春: '纯',
  生: '升',
  德: '得',
  义: '艺',
  礼: '丽',
  立: '丽',
  新: '欣',
  桂: '贵',
  翠: '萃',
};
const PLACE = '茶雁竹田铺泉石桥枫林柳塘青山白沙金坪水口龙潭高坡杨柳黄土新屋大湾罗家李家上坪下坪河口岭背东冲西冲南岳北港'.split('');

export function surname(r: Rng): string {
  return r.pick(SURNAMES);
}
export function givenName(r: Rng, sex: '男' | '女'): string {
  const pool = sex === '男' ? MALE : FEMALE;
  return r.chance(0.35) ? r.pick(pool) : r.pick(pool) + r.pick(pool);
}
export function placeName(r: Rng, suffix: string): string {
  return r.pick(PLACE) + r.pick(PLACE) + suffix;
}

/** A birth date between two years (inclusive). */
export function birthDate(r: Rng, fromYear: number, toYear: number): IsoDate {
  const y = r.int(fromYear, toYear),
    m = r.int(1, 12);
  return isoOf(y, m, r.int(1, daysInMonth(y, m)));
}

/**
 * Allocates unique, valid 18-digit ID numbers: region + birth date + 3-digit sequence whose
 * last digit's parity gives the sex. Sequences are handed out in order per (region, date, sex).
 */
export class IdAllocator {
  private next = new Map<string, number>();
  allocate(region: string, birth: IsoDate, sex: '男' | '女'): string {
    const ymd = birth.replace(/-/g, '');
    const key = region + ymd + sex;
    let n = this.next.get(key) ?? 0;
    if (n >= 499) throw new Error(`出生日期${birth}的身份证顺序码已用尽`);
    this.next.set(key, n + 1);
    const seq = n * 2 + (sex === '男' ? 1 : 2);
    const first17 = region + ymd + String(seq).padStart(3, '0');
    return first17 + checkDigit(first17);
  }
}

/** The same person's ID as a legacy 15-digit number (for people born in the 1900s). */
export function to15(id18: string): string | null {
  return id18.slice(6, 8) === '19' ? id18.slice(0, 6) + id18.slice(8, 17) : null;
}

/** A bank card number (一卡通): 19 digits passing the Luhn check. */
export function bankCard(r: Rng): string {
  const body = '621799' + r.digits(12);
  return body + luhnCheckDigit(body);
}

export { luhnOk };

export function phone(r: Rng): string {
  return '1' + r.pick(['3', '5', '7', '8', '9']) + r.digits(9);
}

export const BANKS = ['中国农业银行', '中国邮政储蓄银行', '农村商业银行', '中国建设银行', '中国工商银行'];

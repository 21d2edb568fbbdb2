// Tokenizer of the custom-rule expression language (see docs/quality.md). No eval, no Function:
// text becomes tokens, tokens an AST (parser.ts), the AST is type-checked (check.ts) and
// compiled to closures (evaluate.ts).

export type TokenKind = 'num' | 'str' | 'date' | 'ident' | 'op' | 'lparen' | 'rparen' | 'comma' | 'dot' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based character position in the expression */
  pos: number;
  value?: string | number;
}

/** A Chinese error with the character position (1-based in the message) and what was expected. */
export class ExprError extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(`第${pos + 1}个字符处：${message}`);
    this.name = 'ExprError';
  }
}

export const MAX_EXPRESSION_LENGTH = 2000;

const OPS = ['<=', '>=', '!=', '<>', '==', '&&', '||', '=', '<', '>', '!', '+', '-', '*', '/'];
/** Chinese keywords, longest first (split off the front of an identifier written without spaces). */
const CN_KEYWORDS = ['并且', '或者', '不是', '且', '或', '非'];
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => /[A-Za-z_\u4e00-\u9fff]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_\u4e00-\u9fff]/.test(c);

export function tokenize(src: string): Token[] {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new ExprError(MAX_EXPRESSION_LENGTH, `表达式过长（最多${MAX_EXPRESSION_LENGTH}个字符）`);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/[\s\u3000]/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    // full-width punctuation users type in Chinese input methods
    const fw: Record<string, string> = { '（': '(', '）': ')', '，': ',', '“': '"', '”': '"', '＝': '=', '＜': '<', '＞': '>', '！': '!' };
    const ch = fw[c] ?? c;
    if (ch === '(') {
      out.push({ kind: 'lparen', text: c, pos: i++ });
      continue;
    }
    if (ch === ')') {
      out.push({ kind: 'rparen', text: c, pos: i++ });
      continue;
    }
    if (ch === ',') {
      out.push({ kind: 'comma', text: c, pos: i++ });
      continue;
    }
    if (ch === '.' && !isDigit(src[i + 1] ?? '')) {
      out.push({ kind: 'dot', text: c, pos: i++ });
      continue;
    }
    if (ch === '"' || ch === "'") {
      // string literal; closes with the same quote (or the full-width closing quote)
      const close = c === '“' ? '”' : ch;
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprError(start, '字符串缺少结束引号');
        const d = src[i];
        if (d === close || (close === '"' && d === '”')) {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < src.length) {
          s += src[i + 1];
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ kind: 'str', text: src.slice(start, i), pos: start, value: s });
      continue;
    }
    if (ch === '#') {
      // date literal #2006-06-30#
      const end = src.indexOf('#', i + 1);
      if (end < 0) throw new ExprError(start, '日期缺少结束的“#”（写法：#2006-06-30#）');
      const body = src.slice(i + 1, end).trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(body)) throw new ExprError(start, `“${body}”不是日期（写法：#2006-06-30#）`);
      out.push({ kind: 'date', text: src.slice(start, end + 1), pos: start, value: body });
      i = end + 1;
      continue;
    }
    if (isDigit(ch) || (ch === '.' && isDigit(src[i + 1] ?? ''))) {
      // a bare date 2006-06-30 is also a date literal
      const m = /^\d{4}-\d{2}-\d{2}(?![\d])/.exec(src.slice(i));
      if (m) {
        out.push({ kind: 'date', text: m[0], pos: i, value: m[0] });
        i += m[0].length;
        continue;
      }
      const n = /^\d+(\.\d+)?/.exec(src.slice(i))![0];
      if (n.length > 15) throw new ExprError(i, '数字过长');
      out.push({ kind: 'num', text: n, pos: i, value: Number(n) });
      i += n.length;
      continue;
    }
    if (isIdentStart(ch)) {
      while (i < src.length && isIdentPart(src[i])) i++;
      // Chinese keywords written without spaces: 年龄>100且状态="正常" — split 且/或/非 off the front
      let word = src.slice(start, i);
      let at = start;
      for (;;) {
        const kw = CN_KEYWORDS.find((k) => word.startsWith(k) && word.length > k.length);
        if (!kw) break;
        out.push({ kind: 'ident', text: kw, pos: at });
        at += kw.length;
        word = word.slice(kw.length);
      }
      out.push({ kind: 'ident', text: word, pos: at });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i)) ?? (fw[c] && OPS.includes(fw[c]) ? fw[c] : undefined);
    if (op) {
      out.push({ kind: 'op', text: op, pos: i });
      i += fw[c] ? 1 : op.length;
      continue;
    }
    throw new ExprError(i, `不能识别的字符“${c}”`);
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}

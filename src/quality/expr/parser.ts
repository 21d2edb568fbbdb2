// Parser: tokens → AST, by recursive descent with precedence
//   or  <  and  <  not  <  comparison  <  + -  <  * /  <  unary -  <  call / field / literal.
// Keywords: and/且/并且, or/或/或者, not/非/不是 (also && || !). Depth is limited.
import { ExprError, tokenize, type Token } from './lexer.ts';

export type Node =
  | { type: 'num'; value: number; pos: number }
  | { type: 'str'; value: string; pos: number }
  | { type: 'date'; value: string; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'field'; name: string; head: boolean; pos: number }
  | { type: 'call'; name: string; args: Node[]; pos: number }
  | { type: 'not'; arg: Node; pos: number }
  | { type: 'neg'; arg: Node; pos: number }
  | { type: 'logic'; op: 'and' | 'or'; left: Node; right: Node; pos: number }
  | { type: 'cmp'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; left: Node; right: Node; pos: number }
  | { type: 'arith'; op: '+' | '-' | '*' | '/'; left: Node; right: Node; pos: number };

const AND = new Set(['and', 'AND', '且', '并且']);
const OR = new Set(['or', 'OR', '或', '或者']);
const NOT = new Set(['not', 'NOT', '非', '不是']);
const MAX_DEPTH = 40;

export function parse(src: string): Node {
  const toks = tokenize(src);
  let k = 0;
  let depth = 0;
  const peek = (): Token => toks[k];
  const describe = (t: Token) => (t.kind === 'eof' ? '表达式结尾' : `“${t.text}”`);
  const fail = (t: Token, expected: string): never => {
    throw new ExprError(t.pos, `应为${expected}，实际为${describe(t)}`);
  };
  const isWord = (set: Set<string>) => peek().kind === 'ident' && set.has(peek().text);
  const isOp = (...ops: string[]) => peek().kind === 'op' && ops.includes(peek().text);
  const enter = (t: Token) => {
    if (++depth > MAX_DEPTH) throw new ExprError(t.pos, `表达式嵌套过深（最多${MAX_DEPTH}层）`);
  };

  function or(): Node {
    let left = and();
    while (isWord(OR) || isOp('||')) {
      const t = toks[k++];
      left = { type: 'logic', op: 'or', left, right: and(), pos: t.pos };
    }
    return left;
  }
  function and(): Node {
    let left = not();
    while (isWord(AND) || isOp('&&')) {
      const t = toks[k++];
      left = { type: 'logic', op: 'and', left, right: not(), pos: t.pos };
    }
    return left;
  }
  function not(): Node {
    if (isWord(NOT) || isOp('!')) {
      const t = toks[k++];
      enter(t);
      const arg = not();
      depth--;
      return { type: 'not', arg, pos: t.pos };
    }
    return cmp();
  }
  function cmp(): Node {
    const left = add();
    if (isOp('=', '==', '!=', '<>', '<', '<=', '>', '>=')) {
      const t = toks[k++];
      const op = t.text === '==' ? '=' : t.text === '<>' ? '!=' : (t.text as '=' | '!=' | '<' | '<=' | '>' | '>=');
      const right = add();
      if (isOp('=', '==', '!=', '<>', '<', '<=', '>', '>=')) fail(peek(), '“且”“或”或“)”（比较不能连写，请用“且”连接）');
      return { type: 'cmp', op, left, right, pos: t.pos };
    }
    return left;
  }
  function add(): Node {
    let left = mul();
    while (isOp('+', '-')) {
      const t = toks[k++];
      left = { type: 'arith', op: t.text as '+' | '-', left, right: mul(), pos: t.pos };
    }
    return left;
  }
  function mul(): Node {
    let left = unary();
    while (isOp('*', '/')) {
      const t = toks[k++];
      left = { type: 'arith', op: t.text as '*' | '/', left, right: unary(), pos: t.pos };
    }
    return left;
  }
  function unary(): Node {
    if (isOp('-')) {
      const t = toks[k++];
      enter(t);
      const arg = unary();
      depth--;
      return { type: 'neg', arg, pos: t.pos };
    }
    return primary();
  }
  function primary(): Node {
    const t = peek();
    switch (t.kind) {
      case 'num':
        k++;
        return { type: 'num', value: t.value as number, pos: t.pos };
      case 'str':
        k++;
        return { type: 'str', value: t.value as string, pos: t.pos };
      case 'date':
        k++;
        return { type: 'date', value: t.value as string, pos: t.pos };
      case 'lparen': {
        k++;
        enter(t);
        const e = or();
        depth--;
        if (peek().kind !== 'rparen') fail(peek(), '“)”');
        k++;
        return e;
      }
      case 'ident': {
        k++;
        if (t.text === 'true' || t.text === '真') return { type: 'bool', value: true, pos: t.pos };
        if (t.text === 'false' || t.text === '假') return { type: 'bool', value: false, pos: t.pos };
        if (peek().kind === 'lparen') {
          k++;
          enter(t);
          const args: Node[] = [];
          if (peek().kind !== 'rparen') {
            for (;;) {
              args.push(or());
              if (peek().kind === 'comma') {
                k++;
                continue;
              }
              break;
            }
          }
          depth--;
          if (peek().kind !== 'rparen') fail(peek(), '“,”或“)”');
          k++;
          return { type: 'call', name: t.text, args, pos: t.pos };
        }
        if (peek().kind === 'dot') {
          if (t.text !== 'head' && t.text !== '户主') throw new ExprError(t.pos, `只有“户主.”（head.）可以接字段名，“${t.text}.”不能`);
          k++;
          const f = peek();
          if (f.kind !== 'ident') fail(f, '字段名');
          k++;
          return { type: 'field', name: f.text, head: true, pos: f.pos };
        }
        return { type: 'field', name: t.text, head: false, pos: t.pos };
      }
      default:
        return fail(t, '字段、数值、字符串、日期或“(”');
    }
  }

  const ast = or();
  if (peek().kind !== 'eof') fail(peek(), '“且”“或”或表达式结尾');
  return ast;
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import iconv from 'iconv-lite';
import { FieldPool, scanCsv } from './bytecsv.ts';

async function scan(path: string) {
  let headers: string[] = [];
  const rows: { n: number; cells: string[] }[] = [];
  await scanCsv(path, {
    onHeader: (i) => {
      headers = i.headers;
    },
    onRow: (rv) => rows.push({ n: rv.rowNumber, cells: rv.all() }),
  });
  return { headers, rows };
}

describe('byte-level CSV scanner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anju-bytecsv-'));

  it('reads plain, quoted and multi-line fields; skips blank lines; numbers rows as a spreadsheet does', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(
      p,
      '\ufeff 身份证号 ,姓名,金额\r\n430582195507296475,李明根,600\r\n\r\n,,\r\n"43058219570804126 8",朱菊,"1,200.50"\n"x","李\n四","6""0"\n 1 , 王五 ,7',
    );
    const { headers, rows } = await scan(p);
    assert.deepEqual(headers, ['身份证号', '姓名', '金额']);
    assert.deepEqual(rows, [
      { n: 2, cells: ['430582195507296475', '李明根', '600'] },
      { n: 5, cells: ['43058219570804126 8', '朱菊', '1,200.50'] },
      { n: 6, cells: ['x', '李\n四', '6"0'] },
      { n: 7, cells: ['1', '王五', '7'] },
    ]);
  });

  it('reads GB18030 and lines crossing chunk boundaries; idKey and county6 read IDs without strings', async () => {
    const p = join(dir, 'b.csv');
    const lines = ['身份证号,姓名,户籍地区划代码'];
    for (let i = 0; i < 120000; i++) lines.push(`${i % 7 === 0 ? '43058219600101123x' : '430582196001011234'},张三丰${i},${i % 2 ? '430582130241' : ''}`);
    writeFileSync(p, iconv.encode(lines.join('\r\n'), 'gb18030'));
    let n = 0,
      keyed = 0,
      lastName = '',
      lowX = 0,
      county = 0;
    await scanCsv(p, {
      onHeader: (i) => assert.equal(i.encoding, 'gb18030'),
      onRow: (rv) => {
        n++;
        lastName = rv.text(1);
        if (rv.idKey(0)) {
          keyed++;
          assert.equal(rv.idHi, 430582196);
          if (rv.idLo % 11 === 10) lowX++;
        }
        if (rv.county6(2) === 430582) county++;
      },
    });
    assert.equal(n, 120000);
    assert.equal(keyed, 120000);
    assert.equal(lowX, Math.ceil(120000 / 7));
    assert.equal(county, 60000);
    assert.equal(lastName, '张三丰119999');
  });

  it('idKey refuses anything but 17 digits and a digit or X', async () => {
    const p = join(dir, 'c.csv');
    writeFileSync(p, 'id\n430582600101115\n43058219600101123Y\n４３０５８２１９６００１０１１２３４\n');
    const got: boolean[] = [];
    await scanCsv(p, { onHeader: () => {}, onRow: (rv) => got.push(rv.idKey(0)) });
    assert.deepEqual(got, [false, false, false]);
  });

  it('plainFen reads plain amounts; is() compares text as bytes in the file encoding', async () => {
    const p = join(dir, 'd.csv');
    writeFileSync(p, iconv.encode('金额,结果\n600,成功\n600.5,失败\n 0.05 ,成功 \n"1,200.00",x\n6.123,成功\n', 'gb18030'));
    const got: [number, boolean, boolean][] = [];
    await scanCsv(p, { onHeader: () => {}, onRow: (rv) => got.push([rv.plainFen(0), rv.is(1, '成功'), rv.is(1, '失败')]) });
    assert.deepEqual(got, [
      [60000, true, false],
      [60050, false, true],
      [5, true, false],
      [-1, false, false],
      [-1, true, false],
    ]);
  });

  it('pooled() gives one string per distinct value, equal to text(); raw() keeps the field as written', async () => {
    const p = join(dir, 'e.csv');
    const lines = ['关系,身份证号,日期'];
    const rels = ['户主', '配偶', ' 子 ', '女', '户主', '\u3000孙子'];
    for (let i = 0; i < 3000; i++) lines.push(`${rels[i % rels.length]}, 43058219600101123x ,${i % 2 ? '2006-07-01' : ''}`);
    lines.push('"户主","a""b",2006-07-01');
    writeFileSync(p, lines.join('\n'));
    // a pool past its limit still answers correctly (it only stops sharing)
    const relPool = new FieldPool(),
      datePool = new FieldPool(1);
    const seen = new Set<string>();
    let n = 0;
    await scanCsv(p, {
      onHeader: () => {},
      onRow: (rv) => {
        n++;
        const rel = rv.pooled(0, relPool);
        assert.equal(rel, rv.text(0));
        assert.equal(rv.pooled(2, datePool), rv.text(2));
        if (rv.cells) {
          assert.equal(rv.raw(1), 'a"b');
          return;
        }
        assert.equal(rv.raw(1), ' 43058219600101123x ');
        seen.add(rel);
      },
    });
    assert.equal(n, 3001);
    assert.deepEqual([...seen].sort(), ['女', '子', '孙子', '户主', '配偶'].sort());
  });

  it('same() compares two fields as text without making strings', async () => {
    const p = join(dir, 'f.csv');
    writeFileSync(p, '姓名,持卡人姓名\n 张三 ,张三\n张三,李四\n"张三",张三\n张三,\u3000张三\n');
    const got: boolean[] = [];
    await scanCsv(p, { onHeader: () => {}, onRow: (rv) => got.push(rv.same(0, 1)) });
    // the last pair differs as bytes (a full-width space): the caller then decodes both, which is still right
    assert.deepEqual(got, [true, false, true, false]);
  });
});

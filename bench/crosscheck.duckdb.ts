// The cross-check's joins and rules written in DuckDB SQL over the same CSV files, for the
// benchmark's comparison only (not used by the program). Same normalisation of IDs (trim,
// upper-case, 15→18 digits), same entitlement (whole months inside the term, death, removal),
// same precedence; returns the count of persons per code and the over/under totals in fen.
import { DuckDBInstance } from '@duckdb/node-api';
import type { CountyFiles } from '../src/synth/county.ts';

const csv = (path: string) => `read_csv('${path.replace(/'/g, "''")}', header = true, all_varchar = true, auto_detect = true)`;

export async function duckdbCrosscheck(files: CountyFiles, checkDate = '2025-01-01') {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const run = (sql: string) => db.run(sql);
  await run(
    `CREATE MACRO cd(s17) AS substr('10X98765432', 1 + (list_sum(list_transform(range(17), i -> (ascii(substr(s17, i + 1, 1)) - 48) * [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2][i + 1])) % 11)::INT, 1)`,
  );
  await run(`CREATE MACRO id15(t) AS substr(t, 1, 6) || '19' || substr(t, 7)`);
  await run(
    `CREATE MACRO norm_id(raw) AS (CASE WHEN regexp_full_match(trim(raw), '\\d{15}') THEN id15(trim(raw)) || cd(id15(trim(raw))) ELSE upper(trim(raw)) END)`,
  );
  await run(`CREATE MACRO d(x) AS try_cast(nullif(trim(x), '') AS DATE)`);
  await run(`CREATE TABLE r AS SELECT row_number() OVER () AS rn, norm_id("身份证号") AS id, replace("姓名", ' ', '') AS name, "村代码" AS village,
      d("扶持开始日期") AS s, coalesce(d("扶持截止日期"), (d("扶持开始日期") + INTERVAL 20 YEAR - INTERVAL 1 DAY)::DATE) AS e,
      "状态" AS status, CASE WHEN "状态" = '已核减' THEN d("核减日期") END AS rd FROM ${csv(files.roster)}`);
  await run(`CREATE TABLE pa AS SELECT norm_id("身份证号") AS id, "发放期间" AS period, count(*) FILTER (WHERE "发放结果" = '成功') AS cnt,
      coalesce(sum(round(replace("金额", ',', '')::DECIMAL(18, 2) * 100)::BIGINT) FILTER (WHERE "发放结果" = '成功'), 0) AS paid
      FROM ${csv(files.payments)} GROUP BY ALL`);
  await run(`CREATE TABLE per AS SELECT period, y, CASE WHEN h = 2 THEN 7 ELSE 1 END AS m1, CASE WHEN h = 1 THEN 6 ELSE 12 END AS m2,
      make_date(y, CASE WHEN h = 2 THEN 7 ELSE 1 END, 1) AS first FROM (SELECT DISTINCT period, substr(period, 1, 4)::INT AS y,
      CASE WHEN period LIKE '%H1' THEN 1 WHEN period LIKE '%H2' THEN 2 ELSE 0 END AS h FROM pa)`);
  await run(`CREATE TABLE known AS SELECT DISTINCT id FROM r UNION SELECT DISTINCT id FROM pa WHERE cnt > 0`);
  await run(
    `CREATE TABLE dd AS SELECT norm_id("身份证号") AS id, min(d("死亡日期")) AS dd FROM ${csv(files.deaths)} WHERE norm_id("身份证号") IN (SELECT id FROM known) GROUP BY 1`,
  );
  await run(`CREATE TABLE hk AS SELECT norm_id("身份证号") AS id, replace("姓名", ' ', '') AS name, "户籍状态" AS status, d("状态变动日期") AS dt,
      substr(coalesce(nullif(trim("户籍地区划代码"), ''), norm_id("身份证号")), 1, 6) AS county FROM ${csv(files.hukou)}`);
  await run(`CREATE TABLE cov AS SELECT DISTINCT county FROM hk`);
  await run(`CREATE TABLE h AS SELECT id, list(DISTINCT name) AS names, bool_or(status = '正常') AS has_normal,
      min(dt) FILTER (WHERE status = '死亡注销') AS hd FROM hk WHERE id IN (SELECT id FROM known) GROUP BY id`);
  await run(`CREATE TABLE pd AS SELECT k.id, CASE WHEN dd.dd IS NULL THEN h.hd WHEN h.hd IS NULL THEN dd.dd ELSE least(dd.dd, h.hd) END AS death
      FROM known k LEFT JOIN dd USING (id) LEFT JOIN h USING (id)`);
  // entitlement per roster row and period, then the largest per person
  await run(`CREATE TABLE ent AS SELECT id, period, first, max(CASE WHEN elig THEN 5000 * greatest(0, least(le, y * 12 + m2 - 1) - greatest(fs, y * 12 + m1 - 1) + 1) ELSE 0 END) AS fen,
      bool_or(elig) AS elig FROM (
        SELECT r.id, per.*, (year(s) * 12 + month(s) - 1 + CASE WHEN day(s) > 1 THEN 1 ELSE 0 END) AS fs,
          (year(e) * 12 + month(e) - 1 - CASE WHEN e = last_day(e) THEN 0 ELSE 1 END) AS le,
          (s IS NOT NULL AND NOT coalesce(pd.death < per.first, false) AND NOT coalesce(r.rd <= per.first, false)
            AND NOT (e < per.first OR s > make_date(y, m2, 1) + INTERVAL 1 MONTH - INTERVAL 1 DAY OR e < s)) AS elig
        FROM r CROSS JOIN per LEFT JOIN pd ON pd.id = r.id) GROUP BY id, period, first`);
  await run(`CREATE TABLE pp AS SELECT coalesce(ent.id, pa.id) AS id, ent.id IS NOT NULL AS in_roster, coalesce(ent.fen, 0) AS fen,
      coalesce(ent.elig, false) AS elig, coalesce(pa.cnt, 0) AS cnt, coalesce(pa.paid, 0) AS paid, pd.death, per.first
      FROM ent FULL OUTER JOIN pa ON ent.id = pa.id AND ent.period = pa.period JOIN per ON per.period = coalesce(ent.period, pa.period)
      LEFT JOIN pd ON pd.id = coalesce(ent.id, pa.id)`);
  const money = await db.runAndReadAll(`SELECT code, count(DISTINCT id)::INT AS n, sum(o)::BIGINT AS o, sum(u)::BIGINT AS u FROM (
      SELECT id, CASE WHEN cnt > 0 AND paid > fen THEN CASE WHEN death < first THEN 'DECEASED_PAID' WHEN NOT in_roster OR NOT elig THEN 'NOT_ELIGIBLE_PAID'
          WHEN cnt > 1 THEN 'DUPLICATE_PAID' ELSE 'AMOUNT_MISMATCH' END
        WHEN cnt > 0 AND paid < fen THEN 'AMOUNT_MISMATCH' WHEN cnt = 0 AND elig AND fen > 0 THEN 'UNPAID' END AS code,
        greatest(paid - fen, 0) AS o, CASE WHEN cnt > 0 THEN greatest(fen - paid, 0) WHEN elig THEN fen ELSE 0 END AS u FROM pp) WHERE code IS NOT NULL GROUP BY code`);
  const register = await db.runAndReadAll(`WITH p AS (SELECT id, arg_min(name, rn) AS name, bool_or(status = '正常') AS active, count(*) AS rows,
        list(substr(village, 1, 6)) FILTER (WHERE status = '正常') AS counties FROM r GROUP BY id)
      SELECT 'INVALID_ID' AS code, count(*)::INT AS n FROM p WHERE NOT (regexp_full_match(id, '\\d{17}[0-9X]') AND substr(id, 1, 2) IN
        ('11','12','13','14','15','21','22','23','31','32','33','34','35','36','37','41','42','43','44','45','46','50','51','52','53','54','61','62','63','64','65','71','81','82')
        AND coalesce(try_strptime(substr(id, 7, 8), '%Y%m%d')::DATE BETWEEN DATE '1800-01-01' AND DATE '${checkDate}', false) AND cd(substr(id, 1, 17)) = substr(id, 18, 1))
      UNION ALL SELECT 'ID_NAME_MISMATCH', count(*)::INT FROM p JOIN h USING (id) WHERE NOT list_contains(h.names, p.name)
      UNION ALL SELECT 'NOT_IN_HUKOU', count(*)::INT FROM p WHERE active AND id NOT IN (SELECT id FROM h) AND len(list_intersect(counties, (SELECT list(county) FROM cov))) > 0
      UNION ALL SELECT 'HUKOU_CANCELLED', count(*)::INT FROM p JOIN h USING (id) WHERE active AND NOT h.has_normal
      UNION ALL SELECT 'DUPLICATE_REGISTRY', count(*)::INT FROM p WHERE rows > 1`);
  const counts: Record<string, number> = {};
  let overFen = 0,
    underFen = 0;
  for (const row of money.getRowObjectsJson()) {
    counts[String(row.code)] = Number(row.n);
    overFen += Number(row.o);
    underFen += Number(row.u);
  }
  for (const row of register.getRowObjectsJson()) counts[String(row.code)] = Number(row.n);
  db.closeSync?.();
  return { counts, overFen, underFen };
}

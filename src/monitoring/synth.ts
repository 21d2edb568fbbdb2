// Generated alert files and populations for tests and the benchmark: valid IDs numbered so
// that people never collide, a chosen share of alerts hitting the population, and planted bad
// rows whose count is known, so a run can be checked against the truth.
import { openSync, writeSync, closeSync } from 'node:fs';
import { checkDigit } from '../shared/idnumber.ts';
import { Rng } from '../synth/index.ts';
import { ALERT_TYPES, ALERT_SOURCES, type AlertType } from './codes.ts';
import { PopulationIndex } from './alerts.ts';

const DAY0 = Date.UTC(1940, 0, 1);

/** The k-th synthetic ID of a county: a birth date and a sequence number from k, then the check digit. */
const dayText: string[] = [];
export function synthId(county: string, k: number): string {
  const day = Math.floor(k / 1000);
  const ymd = (dayText[day] ??= new Date(DAY0 + day * 86400000).toISOString().slice(0, 10).replace(/-/g, ''));
  const first17 = county + ymd + String(k % 1000).padStart(3, '0');
  return first17 + checkDigit(first17);
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英'];
export const synthName = (k: number) => SURNAMES[k % SURNAMES.length] + GIVEN[(k * 7 + 3) % GIVEN.length];

export interface SynthPopulation {
  county: string;
  size: number;
  monitored: number;
  index: PopulationIndex;
}

/** `size` people: the first `monitored` are monitored members (10 per household), the rest post-support persons. */
export function synthPopulation(county: string, size: number, monitored = Math.floor(size / 10)): SynthPopulation {
  const index = new PopulationIndex();
  for (let k = 0; k < size; k++) {
    const village = county + String(100 + (k % 20)).padStart(3, '0') + String(200 + (k % 15)).padStart(3, '0');
    if (k < monitored)
      index.add(synthId(county, k), {
        kind: 'monitored',
        name: synthName(k),
        villageCode: village,
        householdKey: String(1 + Math.floor(k / 4)),
        openRisks: ['illness'],
      });
    else index.add(synthId(county, k), { kind: 'support', name: synthName(k), villageCode: village, householdKey: `H${Math.floor(k / 4)}` });
  }
  return { county, size, monitored, index };
}

export interface AlertFileTruth {
  rows: number;
  hitsMonitored: number;
  hitsSupport: number;
  misses: number;
  bad: number;
}

/**
 * Write an alert CSV of `rows` data rows: a `hitRate` share of IDs from the population (people
 * 0..popSize−1, the first `monitored` of them monitored), the rest outside it; `badRate` of the
 * rows planted bad (invalid ID, unknown type, bad amount or bad date), never duplicates.
 */
export function writeAlertFile(
  path: string,
  o: { county: string; rows: number; popSize: number; monitored: number; hitRate: number; badRate?: number; seed?: number; encoding?: 'utf-8' },
): AlertFileTruth {
  const r = new Rng(o.seed ?? 1);
  const fd = openSync(path, 'w');
  const truth: AlertFileTruth = { rows: o.rows, hitsMonitored: 0, hitsSupport: 0, misses: 0, bad: 0 };
  const types = Object.keys(ALERT_TYPES) as AlertType[];
  let buf = '\ufeff身份证号,姓名,预警类型,来源,金额,日期,说明\n';
  let outside = o.popSize;
  const used = new Set<number>();
  for (let i = 0; i < o.rows; i++) {
    const t = types[i % types.length];
    let k: number;
    if (r.chance(o.hitRate)) {
      k = r.int(0, o.popSize - 1);
      // one alert per person and type: a repeat would be a planted duplicate
      if (used.has(k * 8 + (i % types.length))) k = outside++;
      else used.add(k * 8 + (i % types.length));
    } else k = outside++;
    let id = synthId(o.county, k);
    let type: string = ALERT_TYPES[t].label;
    let amount = t === 'high_medical' ? `${r.int(5000, 90000)}.${r.digits(2)}` : '';
    let date = `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (r.chance(o.badRate ?? 0)) {
      truth.bad++;
      switch (i % 4) {
        case 0:
          id = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
          break;
        case 1:
          type = '不明类型';
          break;
        case 2:
          amount = '三千元';
          break;
        default:
          date = '2025-13-40';
      }
    } else if (k >= o.popSize) truth.misses++;
    else if (k < o.monitored) truth.hitsMonitored++;
    else truth.hitsSupport++;
    buf += `${id},${synthName(k)},${type},${ALERT_SOURCES[ALERT_TYPES[t].source]},${amount},${date},\n`;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return truth;
}

import type { Comparison, TreatMissingData } from './specs';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** What an alarm sees at one evaluation: one value (or none) per period of its evaluation range, oldest first. */
export interface EvaluationInput {
  /** Period starts (ms) with their value, or undefined where no data came. */
  datapoints: { at: number; value: number | undefined }[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  treatMissingData: TreatMissingData;
  current: AlarmState;
}

export interface Evaluation {
  state: AlarmState;
  reason: string;
  /** The datapoints the decision rests on, newest first (real ones only). */
  evaluated: { at: number; value: number }[];
}

const BREACHES: Record<Comparison, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

const WORDS: Record<Comparison, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

const number = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** `26/11/26 01:50:00`, as CloudWatch writes a datapoint's time in a reason. */
const stamp = (at: number) => {
  const iso = new Date(at).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One evaluation by CloudWatch's rules
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
 * the range holds more periods than EvaluationPeriods (N). When N or more real datapoints are in it,
 * the N most recent real ones decide and TreatMissingData plays no part. Otherwise the missing ones are
 * filled as TreatMissingData says, as few as needed: `breaching` and `notBreaching` fill them as such;
 * with no datapoint at all, `missing` is INSUFFICIENT_DATA and `ignore` keeps the state; with some,
 * `ignore` keeps the state when the filled ones would decide, and `missing` lets the real ones decide.
 * ALARM when at least DatapointsToAlarm (M) of the N breach.
 */
export const evaluateAlarm = (input: EvaluationInput): Evaluation => {
  const { evaluationPeriods: n, datapointsToAlarm: m, threshold, comparison, treatMissingData, current } = input;
  const breaches = (value: number) => BREACHES[comparison](value, threshold);
  const real = input.datapoints.filter((d): d is { at: number; value: number } => d.value !== undefined).reverse();
  const evaluated = real.slice(0, n);
  const breaching = evaluated.filter((d) => breaches(d.value)).length;
  const shown = evaluated.map((d) => `${number(d.value)} (${stamp(d.at)})`).join(', ');
  const crossed = (state: AlarmState, extra = '') => ({
    state,
    evaluated,
    reason:
      `Threshold Crossed: ${n === 1 && evaluated.length === 1 ? '1 datapoint' : `${breaching} out of the last ${plural(evaluated.length, 'datapoint')}`} [${shown}] ` +
      `${evaluated.length === 1 && n === 1 ? 'was' : 'were'}${state === 'ALARM' ? '' : ' not'} ${WORDS[comparison]} the threshold (${number(threshold)})` +
      `${m < n ? ` (minimum ${plural(m, 'datapoint')} for ${state === 'ALARM' ? 'OK -> ALARM' : 'ALARM -> OK'} transition)` : ''}${extra}.`,
  });
  if (real.length >= n) return crossed(breaching >= m ? 'ALARM' : 'OK');
  const filled = n - real.length;
  if (real.length === 0) {
    if (treatMissingData === 'missing')
      return {
        state: 'INSUFFICIENT_DATA',
        evaluated,
        reason: `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`,
      };
    if (treatMissingData === 'ignore') return { state: current, evaluated, reason: '' };
    const state = treatMissingData === 'breaching' ? (n >= m ? 'ALARM' : 'OK') : 'OK';
    const as = treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching';
    return {
      state,
      evaluated,
      reason: `Threshold Crossed: no datapoints were received for ${plural(n, 'period')} and ${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [${as}].`,
    };
  }
  const note = (as: string) => ` (${plural(filled, 'missing datapoint')} treated as [${as}])`;
  if (treatMissingData === 'breaching') return crossed(breaching + filled >= m ? 'ALARM' : 'OK', note('Breaching'));
  if (treatMissingData === 'notBreaching') return crossed(breaching >= m ? 'ALARM' : 'OK', note('NonBreaching'));
  const decided = breaching >= m ? 'ALARM' : breaching + filled < m ? 'OK' : undefined;
  if (decided) return crossed(decided);
  if (treatMissingData === 'ignore') return { state: current, evaluated, reason: '' };
  // `missing`: the real datapoints decide among themselves.
  return crossed(breaching >= Math.min(m, real.length) ? 'ALARM' : 'OK');
};

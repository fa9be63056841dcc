/** CSV for batch files: the rules of shared/portable/csv.ts, which the CLI reads with too. */
export { csvField, isIntegerText, parseCsvLine, stripCr } from '../portable/csv';

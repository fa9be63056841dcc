/**
 * The OIP infer answer's JSON text, written straight from the output tensors into one byte buffer:
 * the same text as `JSON.stringify(encodeOipResponse(outputs, meta))`, without the answer's objects,
 * the per-element JSON scalars or a second pass to print them. FP32 elements go through the fast
 * shortest-float32 writer the batch output uses (the same digits as `shortestFloat32`); other
 * datatypes are rare in answers and take the element readers.
 *
 * @example oipResponseText([y], { modelName: 'm', id: '' }) // '{"model_name":"m","id":"","outputs":[…]}'
 */
import { ByteSink } from '../../batch/byteSink';
import { writeFloat32 } from '../../batch/floatText';
import type { NamedTensor } from '../datatypes';
import type { OipResponseMeta } from './oipCodec';
import { toFlatJson } from './tensorData';

/** Answers are written one at a time (synchronously), so one buffer serves them all. */
let sink = new ByteSink(16 * 1024);
/** A buffer grown past this by a large answer is dropped after it, so one big answer does not pin its memory. */
const KEEP_BYTES = 1024 * 1024;
/** Whether everything written so far is ASCII, so the text can be read back as Latin-1 (cheaper than UTF-8). */
let ascii = true;

/** JSON string literals of the names answers repeat (model, version, output names), as UTF-8. */
const literals = new Map<string, { bytes: Buffer; ascii: boolean }>();
const MAX_LITERALS = 1024;

/** Writes `value` as a JSON string literal. */
function writeString(value: string): void {
  let literal = literals.get(value);
  if (!literal) {
    const text = JSON.stringify(value);
    const bytes = Buffer.from(text, 'utf8');
    literal = { bytes, ascii: bytes.length === text.length };
    if (literals.size >= MAX_LITERALS) literals.clear();
    literals.set(value, literal);
  }
  if (!literal.ascii) ascii = false;
  sink.raw(literal.bytes);
}

/** The fixed parts of the text, as bytes. */
const part = (text: string) => Buffer.from(text, 'latin1');
const OPEN = part('{"model_name":');
const VERSION = part(',"model_version":');
const ID = part(',"id":');
const PARAMETERS = part(',"parameters":');
const OUTPUTS = part(',"outputs":[');
const NAME = part('{"name":');
const SHAPE = part(',"shape":[');
const DATATYPE = part('],"datatype":"');
const DATA = part('","data":');

function writeUtf8(text: string): void {
  const start = sink.length;
  sink.utf8(text);
  if (ascii && sink.length - start !== text.length) ascii = false;
}

function writeFloat32Data(data: Float32Array): void {
  sink.byte(91);
  for (let i = 0; i < data.length; i++) {
    if (i > 0) sink.byte(44);
    const f = data[i]!;
    // JSON has no literal for these: the codecs' strings (elementCodec.ts).
    if (f !== f) sink.ascii('"NaN"');
    else if (f === Infinity) sink.ascii('"Infinity"');
    else if (f === -Infinity) sink.ascii('"-Infinity"');
    else writeFloat32(sink, f);
  }
  sink.byte(93);
}

function writeTensor(tensor: NamedTensor, binary: boolean): void {
  sink.raw(NAME);
  writeString(tensor.name);
  sink.raw(SHAPE);
  for (let i = 0; i < tensor.shape.length; i++) {
    if (i > 0) sink.byte(44);
    sink.ascii(String(tensor.shape[i]));
  }
  sink.raw(DATATYPE);
  sink.ascii(tensor.datatype);
  sink.raw(DATA);
  if (binary) sink.ascii('[]');
  else if (tensor.datatype === 'FP32') writeFloat32Data(tensor.data as Float32Array);
  else writeUtf8(JSON.stringify(toFlatJson(tensor.datatype, tensor.data)));
  sink.byte(125);
}

/**
 * The answer's JSON text for `selected` outputs (already filtered and ordered as `meta.outputs` asks:
 * `selectOutputs`); `meta.outputs` itself is not read again.
 */
export function oipResponseText(selected: readonly NamedTensor[], meta: OipResponseMeta): string {
  sink.clear();
  ascii = true;
  sink.raw(OPEN);
  writeString(meta.modelName);
  if (meta.modelVersion !== undefined) {
    sink.raw(VERSION);
    writeString(meta.modelVersion);
  }
  sink.raw(ID);
  // Ids differ request by request: not worth remembering.
  writeUtf8(JSON.stringify(meta.id));
  if (meta.parameters) {
    sink.raw(PARAMETERS);
    writeUtf8(JSON.stringify(meta.parameters));
  }
  sink.raw(OUTPUTS);
  for (let i = 0; i < selected.length; i++) {
    if (i > 0) sink.byte(44);
    const tensor = selected[i]!;
    writeTensor(tensor, meta.binary?.has(tensor.name) ?? false);
  }
  sink.ascii(']}');
  const text = sink.bytes().toString(ascii ? 'latin1' : 'utf8');
  if (sink.length > KEEP_BYTES) sink = new ByteSink(16 * 1024);
  return text;
}

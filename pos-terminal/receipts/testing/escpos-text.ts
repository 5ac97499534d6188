export { type DecodedReceipt, decodeEscPos } from '../escpos-decode.ts';
